// The names VS Code knows the extension by: command ids, the labels language, the webview
// panels' view types, the settings. package.json declares them too (VS Code reads only the manifest);
// contributions.test.ts holds the two in step.
import { BACKEND_CHOICES, PRESET_NAMES } from './domain';

export const COMMANDS = {
  trainModel: 'digitLens.trainModel',
  fineTuneModel: 'digitLens.fineTuneModel',
  runPredictions: 'digitLens.runPredictions',
  useCandidateModel: 'digitLens.useCandidateModel',
  openGallery: 'digitLens.openGallery',
  openTrainingDashboard: 'digitLens.openTrainingDashboard',
  inspectCrop: 'digitLens.inspectCrop',
  generateDemoDataset: 'digitLens.generateDemoDataset',
  importSvhnFolder: 'digitLens.importSvhnFolder',
  showLog: 'digitLens.showLog',
  installGpuBackend: 'digitLens.installGpuBackend',
  installNativeCpuBackend: 'digitLens.installNativeCpuBackend',
} as const;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The language of labels files (labels.csv): the language server's documents. */
export const LABELS_LANGUAGE_ID = 'digit-labels';
/** The file name a dataset folder's labels file has by default. */
export const LABELS_FILE_NAME = 'labels.csv';

export const GALLERY_VIEW_TYPE = 'digitLens.gallery';
export const INSPECTOR_VIEW_TYPE = 'digitLens.inspector';
export const DASHBOARD_VIEW_TYPE = 'digitLens.dashboard';

/** Settings under `digitLens.`; the enums are the domain's lists. */
export const SETTINGS = {
  preset: { key: 'preset', values: PRESET_NAMES },
  backend: { key: 'backend', values: BACKEND_CHOICES },
  trainEpochs: { key: 'trainEpochs' },
  timeBudgetSeconds: { key: 'timeBudgetSeconds' },
  seed: { key: 'seed' },
  quickRetrainAfterFix: { key: 'quickRetrainAfterFix' },
  startFromShippedModel: { key: 'startFromShippedModel' },
} as const;
export const SETTINGS_SECTION = 'digitLens';
