// Embed mode (?embed=1): a compact lab for blog posts that sizes its iframe and works only
// while it can be seen. It carries a one-line title with links to the full lab and to the
// paper, and a one-line caption under each chart.
//   ?embed=1            no header and no long text
//   &charts=nc1,gram    the charts shown (see CHART_CAPTIONS for the names)
//   &autorun=1          start the run when the page opens (the embed code asks for it)
const params = new URLSearchParams(location.search);

export const embedded = params.get('embed') === '1';
export const autorun = params.get('autorun') === '1';
export const RESIZE_MESSAGE = 'agop-collapse:resize';

let visible = true;
const waiting = [];

/** Resolves at once while the lab is in view, else when it comes back into view. */
export function whenVisible() {
  return visible ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
}

/** The charts an embed can show (`charts=` names), each with its one-line caption there. */
export const CHART_CAPTIONS = {
  nc1: 'NC1 per layer (log scale): how far samples sit from their class mean; X is a layer\'s input, MX after the AGOP projection, PhiMX after the random map.',
  nc2: 'NC2 per layer (log scale): how far the class means are from a regular simplex.',
  projections: 'NC1 of each layer\'s input for every projection run: the AGOP against the controls.',
  gram: 'Cosine similarity of the samples, sorted by class (red +1, blue -1): solid blocks mean collapse.',
  strip: 'The Gram picture at a few layers (the paper\'s Figure 1).',
  mechanism: 'One layer, move by move: input, AGOP, projection, random map, with NC1 after each.',
  pca: 'The samples on their two leading principal axes, coloured by class.',
  agop: 'The AGOP: its diagonal and top eigenvectors as images on digits, else its largest eigenvalues.',
  accuracy: 'Train and test accuracy of each layer\'s kernel machine.',
  heldout: 'NC1 per layer of the training samples (solid) and of held-out test samples (dashed): does collapse carry over?',
  alignment: 'The share of each layer\'s AGOP along the directions of the class means, against a random matrix\'s r/p.',
  spectrum: 'The class means\' singular values at the chosen layer and stage, against a simplex\'s K-1 equal ones.',
  time: 'Seconds per step of each layer.',
  table: 'Every metric, per layer and stage.',
};

/** The full lab's address for this embed's settings: the page without its embed flags. */
function fullLabUrl() {
  return `${location.origin}${location.pathname}${location.hash}`;
}

export function setupEmbed() {
  if (!embedded) return;
  document.body.classList.add('embed');
  const wanted = (params.get('charts') ?? 'nc1,nc2,gram').split(',').map((c) => c.trim());
  for (const figure of document.querySelectorAll('[data-chart]')) {
    figure.hidden = !wanted.includes(figure.dataset.chart);
    const caption = CHART_CAPTIONS[figure.dataset.chart];
    if (caption && !figure.hidden) {
      const line = document.createElement('p');
      line.className = 'embed-caption';
      line.textContent = caption;
      figure.append(line);
    }
  }
  const title = document.getElementById('embed-heading');
  title.hidden = false;
  const full = title.querySelector('a.full-lab');
  full.href = fullLabUrl();
  window.addEventListener('hashchange', () => { full.href = fullLabUrl(); });
  const pictures = ['gram', 'pca', 'agop', 'spectrum'].some((c) => wanted.includes(c));
  document.querySelector('.view-controls').hidden = !pictures;

  // Tell the embedding page our height whenever it changes.
  let last = 0;
  const report = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== last && window.parent !== window) {
      last = height;
      window.parent.postMessage({ type: RESIZE_MESSAGE, height }, '*');
    }
  };
  new ResizeObserver(report).observe(document.body);
  report();

  // Out of view, a run waits between layers; it goes on when the lab is seen again.
  new IntersectionObserver((entries) => {
    visible = entries.some((e) => e.isIntersecting);
    if (visible) waiting.splice(0).forEach((resolve) => resolve());
  }).observe(document.body);
}

/** `text` safe inside a double-quoted HTML attribute: a file name in the link stays a name. */
function escapeAttribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The iframe snippet that embeds this lab with its current settings, and sizes itself. */
export function embedCode(hash) {
  const src = escapeAttribute(`${location.origin}${location.pathname}?embed=1&charts=nc1,nc2,gram&autorun=1${hash}`);
  return `<iframe src="${src}" title="Deep neural collapse lab (agop-collapse)" style="width:100%;border:0;height:900px" loading="lazy"></iframe>
<script>
addEventListener('message', (event) => {
  if (!event.data || event.data.type !== '${RESIZE_MESSAGE}') return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source) frame.style.height = event.data.height + 'px';
  }
});
</script>`;
}
