// One head of the network on the inspector page: its softmax as a bar chart (the model's reading
// and the label's class marked, in text as well as colour), and its gradient mask over the crop.
// The bars are a radio group: clicking one, or moving along them with the arrow keys, chooses the
// class whose mask is shown ("why S2 says 7 and not 1": choose 1). Built once, updated in place.
import type { ExplainResult, HeadExplanation } from '../../../common/engineProtocol';
import { HEADS } from '../../../common/heads';
import { CropView } from './cropView';
import { barLabel, classNames, headSummary, maskCaption, percent } from './inspectorModel';

export class HeadCard {
  readonly element: HTMLElement;
  readonly view: CropView;
  private readonly bars: HTMLButtonElement[];
  private readonly summary: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly maskButton: HTMLButtonElement;
  private readonly name: string;
  private head: HeadExplanation | undefined;

  /** `choose(k)`: the user chose class k as this head's target; `toggleOverlay()`: show (or stop showing) this head's mask on the large crop. */
  constructor(
    private readonly headIndex: number,
    choose: (k: number) => void,
    toggleOverlay: () => void,
  ) {
    this.name = HEADS[headIndex].name;
    this.element = document.createElement('section');
    this.element.className = 'head-card';
    this.element.dataset.head = this.name;
    this.element.setAttribute('aria-label', `head ${this.name}`);

    const title = document.createElement('h2');
    title.className = 'head-name';
    title.textContent = this.name;
    title.title = headIndex === 0 ? 'L: how many digits (0..5, or more than 5)' : `S${headIndex}: the digit at position ${headIndex}`;
    this.summary = document.createElement('p');
    this.summary.className = 'head-summary';
    const top = document.createElement('header');
    top.append(title, this.summary);

    const chart = document.createElement('div');
    chart.className = 'head-chart';
    chart.dataset.head = this.name;
    chart.setAttribute('role', 'radiogroup');
    chart.setAttribute('aria-label', `${this.name}: probability of each class; choose the class whose mask to show`);
    this.bars = classNames(headIndex).map((name, k) => {
      const bar = document.createElement('button');
      bar.className = 'bar';
      bar.type = 'button';
      bar.dataset.class = String(k);
      bar.setAttribute('role', 'radio');
      bar.setAttribute('aria-checked', 'false');
      bar.tabIndex = k === 0 ? 0 : -1;
      const marks = document.createElement('span');
      marks.className = 'marks';
      marks.setAttribute('aria-hidden', 'true');
      const track = document.createElement('span');
      track.className = 'track';
      const fill = document.createElement('span');
      fill.className = 'fill';
      track.appendChild(fill);
      const tick = document.createElement('span');
      tick.className = 'tick';
      tick.textContent = name;
      bar.append(marks, track, tick);
      bar.addEventListener('click', () => choose(k));
      return bar;
    });
    chart.append(...this.bars);
    chart.addEventListener('keydown', (event) => {
      const from = this.bars.indexOf(event.target as HTMLButtonElement);
      if (from < 0) return;
      const last = this.bars.length - 1;
      const to = { ArrowRight: from + 1, ArrowDown: from + 1, ArrowLeft: from - 1, ArrowUp: from - 1, Home: 0, End: last }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      // Radio-group keys: move along the bars and choose as you go (answers a newer choice overtakes are dropped).
      const k = Math.min(last, Math.max(0, to));
      this.bars[k].focus();
      choose(k);
    });

    this.view = new CropView('head-view', 256, { className: 'heatmap', head: this.name });
    this.caption = document.createElement('span');
    this.caption.className = 'mask-caption';
    // The mask is a toggle: pressed, it is also drawn over the large crop.
    this.maskButton = document.createElement('button');
    this.maskButton.className = 'mask';
    this.maskButton.type = 'button';
    this.maskButton.dataset.head = this.name;
    this.maskButton.setAttribute('aria-pressed', 'false');
    this.maskButton.title = `Show ${this.name}'s mask on the large crop`;
    this.maskButton.append(this.view.element, this.caption);
    this.maskButton.addEventListener('click', toggleOverlay);
    this.element.append(top, chart, this.maskButton);
  }

  /**
   * Shows `head` of `result`, with `target` the class chosen now (which may be ahead of the mask
   * drawn: the answer for it is on its way). Without a head, the chart waits, empty.
   */
  update(result: ExplainResult | undefined, head: HeadExplanation | undefined, target: number | undefined): void {
    this.head = head;
    this.element.classList.toggle('irrelevant', head !== undefined && !head.relevant);
    // A head that reads its position otherwise than the label: where a reading goes wrong.
    this.element.classList.toggle('disagrees', head !== undefined && head.relevant && head.labeled !== undefined && head.labeled !== head.predicted);
    this.summary.textContent = head ? headSummary(this.headIndex, head) : '';
    this.bars.forEach((bar, k) => {
      const p = head?.probs[k] ?? 0;
      (bar.querySelector('.fill') as HTMLElement).style.height = `${Math.max(0, Math.min(1, p)) * 100}%`;
      bar.classList.toggle('predicted', head?.predicted === k);
      bar.classList.toggle('labeled', head?.labeled === k);
      const marks = `${head?.predicted === k ? '●' : ''}${head?.labeled === k ? '◆' : ''}`;
      (bar.querySelector('.marks') as HTMLElement).textContent = marks;
      bar.title = head ? `${classNames(this.headIndex)[k]}: ${percent(p)}` : '';
      bar.setAttribute('aria-label', barLabel(this.headIndex, k, head));
    });
    this.setTarget(target);
    if (result && head) {
      this.view.drawMask(result, head);
      this.caption.textContent = maskCaption(this.headIndex, head);
    } else {
      this.view.clearMask();
      this.caption.textContent = '';
    }
  }

  /** Marks the chosen class (the radio that is checked, and the one Tab reaches). */
  setTarget(target: number | undefined): void {
    this.bars.forEach((bar, k) => {
      bar.setAttribute('aria-checked', String(k === target));
      bar.classList.toggle('target', k === target);
      bar.tabIndex = k === (target ?? 0) ? 0 : -1;
    });
  }

  /** Whether this head's mask is the one over the large crop. */
  setOverlaid(overlaid: boolean): void {
    this.maskButton.setAttribute('aria-pressed', String(overlaid));
    this.maskButton.title = overlaid ? `Stop showing ${this.name}'s mask on the large crop` : `Show ${this.name}'s mask on the large crop`;
  }

  /** The head last shown (its reading decides what choosing a class means). */
  get shown(): HeadExplanation | undefined {
    return this.head;
  }
}
