// Text printed to a CI log may come from outside: container log lines in a diagnosis or a run-task
// stream, AWS messages, inputs echoed back in an error. Such text must not steer the log reader.
// GitHub runs workflow commands from any line that starts with "::" (after blanks) and legacy
// "##[…]" commands; GitLab section markers and terminal tricks (overwrite the line, clear the
// screen) all need control characters. Every runner adapter passes messages through here.

// C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides that reorder text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A control character as visible text: \r, \x1b, \u202e. */
function visible(c: string): string {
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/** The text with control characters shown escaped and workflow commands defused, line by line. */
export function neutralise(text: string): string {
  return text
    .replace(CONTROL, visible)
    .split('\n')
    .map((line) => line.replace(/^(\s*):(?=:)/, '$1: ').replace(/##\[/g, '# #['))
    .join('\n');
}

/** A markdown code fence that no run of backticks inside can close: one longer than the longest. */
export function fenced(lines: string[], info = ''): string[] {
  const longest = Math.max(
    0,
    ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))),
  );
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines, fence];
}
