// On narrow screens the action bar (Run, Step, Cancel, Reset, the status) is fixed at the bottom
// of the screen (style.css): the page keeps room for it below its content, as tall as the bar is.
export function setupActionBar() {
  const bar = document.querySelector('#controls .action-bar');
  const measure = () => document.body.style.setProperty('--action-bar-height', `${Math.ceil(bar.getBoundingClientRect().height) + 8}px`);
  new ResizeObserver(measure).observe(bar);
  measure();
}
