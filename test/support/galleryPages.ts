// The gallery's datasets as the Chromium tests write them: crops as objects, each with the URI of
// its image, sent as the host sends them (columns, common/galleryColumns.ts). The stand-in VS Code
// API (webviewPages.ts) answers the page's thumbnail requests with those URIs.
import type { Page } from 'playwright-core';
import { encodeCrops } from '../../common/galleryColumns';
import type { GalleryCrop, GalleryDataset, HostToGalleryMessage } from '../../common/webviewProtocol';
import { post } from './webviewPages';

/** A crop and where its picture is (a test server URL). */
export type TestCrop = GalleryCrop & { imageUri?: string };

export type TestDataset = Omit<GalleryDataset, 'columns'> & { crops: TestCrop[] };

/** The dataset message of `dataset`, as GalleryPanel sends it. */
export function datasetMessage(dataset: TestDataset): HostToGalleryMessage {
  const { crops, ...rest } = dataset;
  return { kind: 'dataset', dataset: { ...rest, columns: encodeCrops(crops.map(({ imageUri: _uri, ...crop }) => crop)) } };
}

/** Sends `dataset` to the page, its crops' image URIs to the stand-in first. */
export async function postDataset(page: Page, dataset: TestDataset): Promise<void> {
  const uris = Object.fromEntries(dataset.crops.flatMap((c) => (c.imageUri === undefined ? [] : [[`${c.line}\u0000${c.file}`, c.imageUri]])));
  await page.evaluate((u) => {
    const w = window as unknown as { __thumbnailUris?: Record<string, string> };
    w.__thumbnailUris = { ...w.__thumbnailUris, ...u };
  }, uris);
  await post(page, datasetMessage(dataset));
}
