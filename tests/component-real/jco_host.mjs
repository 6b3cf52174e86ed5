// The host side of wit/values.wit for jco's transpiled components (mapped in with
// `jco transpile --map`): the same behaviour and output lines as values_driver.cc's host.
const text = (p) => `{x: ${p.x}, y: ${p.y}}`;

export function log(msg) {
  console.log(`host log: ${msg}`);
}
export function offset(p, dx) {
  console.log(`host offset: ${text(p)} by ${dx}`);
  return { x: (p.x + dx) | 0, y: p.y };
}
export function words() {
  console.log('host words');
  return ['alpha', 'beta', '世界'];
}
