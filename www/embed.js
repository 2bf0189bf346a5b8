// Embed mode (?embed=1): a compact lab for blog posts that sizes its iframe and works only
// while it can be seen.
//   ?embed=1            no header and no long text
//   &charts=nc1,gram    the charts shown (nc1, nc2, gram, pca, agop, accuracy, time, table)
//   &autorun=1          start the run when the page opens
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

export function setupEmbed() {
  if (!embedded) return;
  document.body.classList.add('embed');
  const wanted = (params.get('charts') ?? 'nc1,nc2,gram').split(',').map((c) => c.trim());
  for (const figure of document.querySelectorAll('[data-chart]')) {
    figure.hidden = !wanted.includes(figure.dataset.chart);
  }
  const pictures = ['gram', 'pca', 'agop'].some((c) => wanted.includes(c));
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
  const src = escapeAttribute(`${location.origin}${location.pathname}?embed=1&charts=nc1,nc2,gram${hash}`);
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
