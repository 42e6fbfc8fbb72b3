// ANSI escape sequences: CSI (colours, cursor moves: ESC [ ... final byte), OSC (titles,
// links: ESC ] ... BEL or ESC \), and the two-byte forms (ESC followed by one character).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g
// What is left that a terminal would act on rather than print; tabs stay.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/**
 * Text from a build, the engine or a function, made safe for a one-line message and for
 * JSON: colour codes and other escape sequences removed, a carriage return's overwritten
 * progress reduced to what was last written, control characters dropped.
 */
export function plainText(text: string): string {
  const withoutAnsi = text.replace(ANSI, '')
  // "50%\r100%" shows as "100%" on a terminal: keep what the last carriage return left.
  const afterReturns = withoutAnsi
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((part) => part !== '')
      return parts.length > 0 ? parts[parts.length - 1] : ''
    })
    .join('\n')
  return afterReturns.replace(CONTROL, '')
}
