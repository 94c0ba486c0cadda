import { EditorView } from '@codemirror/view';

/**
 * The editor's look in the app's colours. It is a CodeMirror theme rather than rules in policy.css
 * because the editor lives in a shadow root (see PolicyEditor): page styles do not reach it there.
 */
export const policyEditorTheme = EditorView.theme({
  '&': {
    height: 'clamp(320px, 58vh, 720px)',
    fontSize: '13px',
    color: 'var(--text)',
    backgroundColor: 'var(--panel)',
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-content': { padding: '8px 0' },
  '.cm-gutters': { borderRight: '1px solid var(--border)', backgroundColor: 'var(--panel-sunken)', color: 'var(--faint)' },
  '.cm-activeLineGutter': { backgroundColor: '#e9edf3', color: 'var(--text)' },
  '.cm-activeLine': { backgroundColor: 'rgb(11 99 196 / 4%)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: '#cfe1f7' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  // Wavy underlines in each severity's colour, a tint behind errors and security findings.
  '.cm-lintRange': { backgroundImage: 'none', paddingBottom: '0', textDecoration: 'underline wavy', textDecorationSkipInk: 'none', textUnderlineOffset: '3px' },
  '.cm-lintRange-error': { textDecorationColor: 'var(--error)', backgroundColor: 'var(--error-soft)' },
  '.cm-lintRange-warning': { textDecorationColor: '#c28a00' },
  '.cm-lintRange-info': { textDecorationColor: 'var(--accent)' },
  '.cm-lintRange.policy-mark--security': { textDecorationColor: '#8e2a8b', backgroundColor: '#f8ecf7' },
  '.cm-tooltip': { border: '1px solid var(--border)', borderRadius: '6px', backgroundColor: 'var(--panel)', boxShadow: '0 6px 20px rgb(16 24 38 / 16%)' },
  '.cm-tooltip-lint': { maxWidth: '460px', fontFamily: 'var(--font)', fontSize: '13px' },
  '.cm-diagnostic': { padding: '6px 10px' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--error)' },
  '.cm-diagnostic-warning': { borderLeftColor: '#c28a00' },
  '.cm-diagnostic-info': { borderLeftColor: 'var(--accent)' },
  '.cm-diagnosticAction': { borderRadius: '4px', backgroundColor: 'var(--accent)', fontFamily: 'var(--font)', padding: '2px 8px' },
  '.cm-diagnosticSource': { fontWeight: '650', color: '#8e2a8b', opacity: '1' },
});
