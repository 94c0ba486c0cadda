import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { Annotation, EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import type { Ref } from 'react';
import { useEffect, useImperativeHandle, useRef } from 'react';
import type { Finding, TextEdit } from '../../../../shared/policy/types';
import { toDiagnostics } from './diagnostics';
import { policyEditorTheme } from './editor-theme';

/** Marks a document replaced from above (a template, a reload, a discard): not the user's edit. */
const fromProps = Annotation.define<boolean>();

/** What the screen may do to the editor: jump to a finding, apply a fix (undoable, like typing). */
export interface PolicyEditorHandle {
  select(offset: number, length: number): void;
  apply(edits: readonly TextEdit[]): void;
}

/**
 * The policy's JSON in CodeMirror 6, with the checker's findings as inline diagnostics (underlines,
 * gutter markers, a tooltip with the fix). The text is the screen's: every change goes up through
 * `onChange`, and a new `value` from above (a template, a reload) replaces the document.
 */
export function PolicyEditor({
  value,
  onChange,
  findings,
  label,
  ref,
}: {
  value: string;
  onChange: (text: string) => void;
  findings: readonly Finding[];
  label: string;
  ref?: Ref<PolicyEditorHandle>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const apply = (edits: readonly TextEdit[]) => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ changes: edits.map((e) => ({ from: e.offset, to: e.offset + e.length, insert: e.content })), userEvent: 'input.fix' });
    v.focus();
  };

  useImperativeHandle(ref, () => ({
    select(offset, length) {
      const v = view.current;
      if (!v) return;
      const len = v.state.doc.length;
      const anchor = Math.min(Math.max(0, offset), len);
      v.dispatch({ selection: { anchor, head: Math.min(len, anchor + length) }, scrollIntoView: true });
      v.focus();
    },
    apply,
  }));

  useEffect(() => {
    // CodeMirror writes its styles into a <style> element, which the app's Content-Security-Policy
    // (style-src 'self') refuses; in a shadow root it uses a constructed style sheet instead.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    shadow.replaceChildren(parent);
    const v = new EditorView({
      root: shadow,
      parent,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          indentOnInput(),
          bracketMatching(),
          json(),
          policyEditorTheme,
          syntaxHighlighting(defaultHighlightStyle),
          lintGutter(),
          // Tab is left to move the focus (keyboard users must be able to leave the editor).
          keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
          EditorState.tabSize.of(2),
          EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true' }),
          EditorView.updateListener.of((update) => {
            // Echoing a replacement from above would turn "the bucket's policy" into an edit of it.
            if (update.docChanged && !update.transactions.some((tr) => tr.annotation(fromProps))) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is made once; value, findings and the rest reach it through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, annotations: fromProps.of(true) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    // Findings are made from `value`; until the document is that text their offsets mean nothing.
    if (v.state.doc.toString() !== value) return;
    v.dispatch(setDiagnostics(v.state, toDiagnostics(findings, v.state.doc, apply)));
  }, [findings, value]);

  return <div ref={host} className="policy-editor" />;
}
