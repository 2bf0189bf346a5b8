// The action bar (Run, Step, Cancel, Reset, the status) stays in view (style.css). On narrow
// screens it is fixed at the bottom of the screen: the page keeps room for it below its content,
// as tall as the bar is. On wide ones the settings column is sticky, and no taller than the
// window less what follows <main> (the footer), so that Run stays in view at the page's end.
export function setupActionBar() {
  const bar = document.querySelector('#controls .action-bar');
  const main = document.querySelector('main');
  const measure = () => {
    const style = document.body.style;
    style.setProperty('--action-bar-height', `${Math.ceil(bar.getBoundingClientRect().height) + 8}px`);
    const after = document.documentElement.scrollHeight - (main.getBoundingClientRect().bottom + window.scrollY);
    style.setProperty('--footer-room', `${Math.max(0, Math.ceil(after))}px`);
  };
  const observer = new ResizeObserver(measure);
  for (const element of [bar, document.body]) observer.observe(element);
  measure();
}
