// The training dashboard webview: the run history of a dataset (.digitlens/runs/), one run's
// curves (total loss and each head's, training and validation accuracy; live while a palette run
// goes), its evaluations (the coverage-versus-accuracy curve with the paper's 98% point, and one
// confusion matrix per head whose cells open the gallery on the crops behind them). Charts are
// uPlot's (lineChart.ts). Runs in the browser (dist/dashboard.js); talks to the host only through
// common/dashboardProtocol.ts.
import { isHostToDashboardMessage, type DashboardState, type DashboardToHostMessage, type RunProblem } from '../../../common/dashboardProtocol';
import { appendProgress, PAPER_ACCURACY, type RunEvaluation, type RunRecord, type RunSummary } from '../../../common/trainingRun';
import { confusionTable } from './confusionMatrix';
import { ACCURACY_SERIES, LOSS_SERIES, accuracyColumns, coverageColumns, lossColumns, percent, settingsText, startedText, statusText } from './dashboardModel';
import { LineChart, type SeriesStyle } from './lineChart';

interface VsCodeApi {
  postMessage(message: DashboardToHostMessage): void;
  getState(): unknown;
  setState(state: DashboardState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<DashboardState> | undefined;
let state: DashboardState = { labelsPath: typeof saved?.labelsPath === 'string' ? saved.labelsPath : undefined, runId: typeof saved?.runId === 'string' ? saved.runId : undefined };
let labelsPath = state.labelsPath ?? '';
let runs: RunSummary[] = [];
/** The run shown, in full. */
let shown: RunRecord | undefined;
let curvesFrame = false;

/** One colour per head (HEADS order), from VS Code's chart palette. */
const HEAD_COLOURS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
];
const FOREGROUND: [string, string] = ['--vscode-foreground', '#cccccc'];
const heads = (percentValues: boolean): SeriesStyle[] => HEAD_COLOURS.map((colour, h) => ({ label: LOSS_SERIES[h + 1], colour, width: 1, percent: percentValues }));

const app = document.getElementById('app') ?? document.body;
app.innerHTML = `
  <header class="toolbar"><h1 id="title">Training runs</h1><span id="dataset" class="dataset"></span></header>
  <div id="problems" class="warnings" role="alert" hidden></div>
  <section aria-labelledby="runs-heading" class="runs-section">
    <h2 id="runs-heading">Runs</h2>
    <p id="no-runs" class="hint" hidden>No training runs yet: run <b>Digit Lens: Train Model</b> (or <code>digit-lens train</code>) and they are listed here.</p>
    <table id="runs" class="runs" aria-label="Training runs, newest first: choose one to see its curves">
      <thead><tr><th scope="col">Started</th><th scope="col">Settings</th><th scope="col">Outcome</th><th scope="col">Steps</th>
        <th scope="col">img/s</th><th scope="col">Time</th><th scope="col">Sequence accuracy</th><th scope="col">Coverage at 98%</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section id="run" class="run" aria-labelledby="run-title" hidden>
    <h2 id="run-title"></h2>
    <p id="run-figures" class="figures" aria-live="polite"></p>
    <div id="curves" class="charts"></div>
    <h2 id="evaluation-heading">Evaluation</h2>
    <p id="no-evaluation" class="hint" hidden></p>
    <div id="evaluation" hidden>
      <label>Measured <select id="evaluation-choice" aria-label="Which evaluation of this run"></select></label>
      <p id="evaluation-figures" class="figures"></p>
      <div id="coverage" class="charts"></div>
      <p class="hint">A cell's number is how many crops have that label (row) and reading (column); click one (or Tab to it and press Enter) to see those crops in the gallery.</p>
      <div id="confusions" class="confusions"></div>
    </div>
  </section>`;

const el = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const lossChart = new LineChart(el('curves'), {
  title: 'Training loss per head (smoothed)',
  xLabel: 'step',
  yLabel: 'loss',
  series: [{ label: 'total', colour: FOREGROUND, width: 2 }, ...heads(false)],
}, 'loss-chart');
const accuracyChart = new LineChart(el('curves'), {
  title: 'Accuracy (training batches, smoothed; validation when measured)',
  xLabel: 'step',
  yLabel: 'accuracy',
  yPercent: true,
  yRange: [0, 1],
  series: [
    { label: ACCURACY_SERIES[0], colour: FOREGROUND, width: 2, percent: true },
    ...heads(true),
    { label: ACCURACY_SERIES[ACCURACY_SERIES.length - 1], colour: ['--vscode-charts-green', '#89d185'], pointsOnly: true, percent: true },
  ],
}, 'accuracy-chart');
const coverageChart = new LineChart(el('coverage'), {
  title: 'Coverage versus sequence accuracy (the most confident crops first)',
  xLabel: 'coverage',
  yLabel: 'sequence accuracy',
  xPercent: true,
  yPercent: true,
  xRange: [0, 1],
  yRange: [0, 1],
  series: [
    { label: 'accuracy of the most confident', colour: ['--vscode-charts-blue', '#3794ff'], width: 2, percent: true },
    { label: '98% accuracy', colour: ['--vscode-charts-lines', '#808080'], dash: [6, 4], width: 1, percent: true },
    { label: 'coverage at 98% (the paper\u2019s point)', colour: ['--vscode-charts-red', '#f14c4c'], pointsOnly: true, percent: true },
  ],
}, 'coverage-chart');

// VS Code swaps the theme by changing the body's class and the variables: the canvases follow.
new MutationObserver(() => [lossChart, accuracyChart, coverageChart].forEach((c) => c.restyle())).observe(document.body, { attributes: true, attributeFilter: ['class'] });

el<HTMLSelectElement>('evaluation-choice').addEventListener('change', () => shown && showEvaluation(shown));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToDashboardMessage(message)) return;
  switch (message.kind) {
    case 'runs': {
      labelsPath = message.labelsPath;
      runs = message.runs;
      el('dataset').textContent = message.title;
      showProblems(message.problems);
      const wanted = message.select ?? (runs.some((r) => r.id === state.runId) ? state.runId : runs[0]?.id);
      setState({ labelsPath, runId: wanted });
      renderRunList();
      if (wanted && wanted !== shown?.id) vscode.postMessage({ kind: 'selectRun', runId: wanted });
      return;
    }
    case 'run':
      if (message.run.id !== state.runId) return;
      shown = message.run;
      showRun(shown);
      return;
    case 'progress':
      if (!shown || message.runId !== shown.id) return;
      appendProgress(shown.curves, message.progress);
      if (!curvesFrame) {
        curvesFrame = true;
        requestAnimationFrame(() => {
          curvesFrame = false;
          if (shown) showCurves(shown);
        });
      }
      return;
  }
});

document.addEventListener('securitypolicyviolation', (e) => vscode.postMessage({ kind: 'cspViolation', directive: e.violatedDirective, blocked: e.blockedURI }));

vscode.postMessage({ kind: 'ready' });

function setState(patch: Partial<DashboardState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

function showProblems(problems: RunProblem[]): void {
  const box = el('problems');
  box.hidden = problems.length === 0;
  box.replaceChildren(...problems.map((p) => Object.assign(document.createElement('div'), { textContent: `Not shown (left as it is): ${p.message}` })));
}

function renderRunList(): void {
  el('no-runs').hidden = runs.length > 0;
  el('runs').hidden = runs.length === 0;
  const body = el<HTMLTableElement>('runs').tBodies[0];
  body.replaceChildren(
    ...runs.map((run) => {
      const tr = document.createElement('tr');
      tr.dataset.run = run.id;
      if (run.id === state.runId) tr.setAttribute('aria-current', 'true');
      const first = document.createElement('td');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'run-button';
      button.textContent = startedText(run.started);
      button.setAttribute('aria-label', `Show the run started ${startedText(run.started)}: ${settingsText(run.settings)}, ${statusText(run)}`);
      button.addEventListener('click', () => {
        setState({ runId: run.id });
        renderRunList();
        vscode.postMessage({ kind: 'selectRun', runId: run.id });
      });
      first.append(button);
      const cells = [
        settingsText(run.settings),
        statusText(run),
        run.final ? String(run.final.steps) : '–',
        run.final ? run.final.imagesPerSecond.toFixed(1) : '–',
        run.final ? `${run.final.seconds.toFixed(0)} s` : '–',
        percent(run.metrics?.sequenceAccuracy),
        percent(run.metrics?.coverageAt98),
      ].map((text) => Object.assign(document.createElement('td'), { textContent: text }));
      tr.append(first, ...cells);
      return tr;
    }),
  );
}

function showRun(run: RunRecord): void {
  el('run').hidden = false;
  el('run-title').textContent = `Run of ${startedText(run.started)} (${run.status})`;
  showCurves(run);
  const choice = el<HTMLSelectElement>('evaluation-choice');
  choice.replaceChildren(
    ...run.evaluations.map((e, i) =>
      Object.assign(document.createElement('option'), { value: String(i), textContent: `${e.source === 'train' ? 'after training, on its validation rows' : 'by eval'}: ${e.metrics.count} crops of ${e.labelsPath}, ${startedText(e.date)}` }),
    ),
  );
  choice.value = String(run.evaluations.length - 1);
  showEvaluation(run);
}

function showCurves(run: RunRecord): void {
  const c = run.curves;
  const n = c.step.length;
  const last = n - 1;
  const s = run.settings;
  el('run-figures').textContent =
    `${settingsText(s)} · ${n === 0 ? 'no step yet' : `step ${c.step[last]} · ${c.seconds[last].toFixed(0)} s · ${c.imagesPerSecond[last].toFixed(1)} img/s · loss ${c.loss[last].toFixed(3)} · training accuracy ${percent(c.sequenceAccuracy[last])}`}` +
    (run.final ? ` · ${run.final.outcomeMessage}` : run.status === 'running' ? ' · running' : run.error ? ` · failed: ${run.error}` : '');
  lossChart.setData(lossColumns(run), n === 0 ? 'no steps yet' : `${n} points up to step ${c.step[last]}; total loss now ${c.loss[last].toFixed(3)}`);
  const validation = run.validations[run.validations.length - 1];
  accuracyChart.setData(
    accuracyColumns(run),
    n === 0 ? 'no steps yet' : `training sequence accuracy now ${percent(c.sequenceAccuracy[last])}${validation ? `; validation ${percent(validation.sequenceAccuracy)} at step ${validation.step}` : ''}`,
  );
}

function showEvaluation(run: RunRecord): void {
  const index = Number(el<HTMLSelectElement>('evaluation-choice').value);
  const evaluation: RunEvaluation | undefined = run.evaluations[index];
  el('evaluation').hidden = evaluation === undefined;
  el('no-evaluation').hidden = evaluation !== undefined;
  el('no-evaluation').textContent = run.status === 'running' ? 'Measured when the run ends.' : 'This run has no evaluation (it had no validation rows, or stopped before its first step).';
  if (!evaluation) return;
  const m = evaluation.metrics;
  const at = evaluation.coverage.coverageAtPaperAccuracy;
  el('evaluation-figures').textContent =
    `${m.count} crops on ${m.backend}: sequence accuracy ${percent(m.sequenceAccuracy)}, per digit ${percent(m.digitAccuracy)}, length ${percent(m.lengthAccuracy)}; ` +
    (at > 0 ? `coverage at ${percent(PAPER_ACCURACY, 0)} accuracy ${percent(at)} (the paper: 95.64% on SVHN)` : `never ${percent(PAPER_ACCURACY, 0)} accurate, even on the most confident crops`);
  coverageChart.figure.dataset.coverageAtPaperAccuracy = String(at);
  coverageChart.setData(coverageColumns(evaluation.coverage), at > 0 ? `98% sequence accuracy up to ${percent(at)} coverage` : 'never 98% accurate');
  el('confusions').replaceChildren(
    ...evaluation.confusion.map((matrix) =>
      confusionTable(matrix, run.started, (cell) =>
        vscode.postMessage({ kind: 'openCell', labelsPath: evaluation.labelsPath, title: cell.title, files: cell.rows.map((r) => evaluation.files[r]) }),
      ),
    ),
  );
}
