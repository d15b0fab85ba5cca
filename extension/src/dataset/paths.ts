// Dataset-relative paths (common/datasetPath.ts, common/derivedPaths.ts) joined onto real
// folders with Node's path module, for the parts that touch the disk.
import * as path from 'node:path';
import { datasetPathSegments } from '../../../common/datasetPath';
import { DERIVED } from '../../../common/derivedPaths';

/** The absolute path of `file` (as a labels row writes it) in `datasetDir`; throws DatasetPathError for an unsafe one. */
export function resolveDatasetPath(datasetDir: string, file: string): string {
  return path.join(datasetDir, ...datasetPathSegments(file));
}

function derived(datasetDir: string, relative: string): string {
  return path.join(datasetDir, ...relative.split('/'));
}

/** <dataset>/.digitlens/predictions.csv for the labels file at `labelsPath`. */
export function predictionsPath(labelsPath: string): string {
  return derived(path.dirname(labelsPath), DERIVED.predictions);
}

/** <dataset>/.digitlens/predictions-model.json: the description of the model that wrote predictions.csv. */
export function predictionsModelPath(labelsPath: string): string {
  return derived(path.dirname(labelsPath), DERIVED.predictionsModel);
}

/** <dataset>/.digitlens/model for the labels file at `labelsPath`. */
export function defaultModelDir(labelsPath: string): string {
  return derived(path.dirname(labelsPath), DERIVED.model);
}

/** <dataset>/.digitlens/candidate: a trained model kept beside the current one. */
export function candidateModelDir(labelsPath: string): string {
  return derived(path.dirname(labelsPath), DERIVED.candidate);
}

/** <dataset>/.digitlens/runs: the run history of the labels file at `labelsPath`. */
export function runsDir(labelsPath: string): string {
  return derived(path.dirname(labelsPath), DERIVED.runs);
}

/** The run history beside a model folder (<dataset>/.digitlens/model -> <dataset>/.digitlens/runs): where `eval` adds to the run that trained it. */
export function runsDirBesideModel(modelDir: string): string {
  return path.join(path.dirname(modelDir), path.posix.basename(DERIVED.runs));
}

/** The preprocessed-crop cache of a dataset folder. */
export function cacheDir(datasetDir: string): string {
  return derived(datasetDir, DERIVED.cache);
}
