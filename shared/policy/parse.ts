// Policy text → JSON value with the place of every value, so each finding points at a line and column.
// jsonc-parser (Microsoft's, as in VS Code) gives a syntax tree with offsets; we run it as a strict
// JSON parser: comments and trailing commas are errors, as they are to S3.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Json } from './types';

export type PathSegment = string | number;

export interface Span {
  offset: number;
  length: number;
}

export interface ParsedPolicyText {
  text: string;
  /** The document, or undefined when the text is not JSON. */
  value: Json | undefined;
  /** Syntax errors: where, and what in words. */
  syntaxErrors: { offset: number; length: number; message: string }[];
  /** Keys that appear twice in one object (JSON.parse keeps the last; S3's parser may not). */
  duplicateKeys: { path: PathSegment[]; key: string; span: Span }[];
  /** Where the value at a path is (the nearest existing ancestor when the path does not exist). */
  spanOf(path: readonly PathSegment[]): Span;
  /** Where the key of the property at a path is (the value's place for array elements). */
  keySpanOf(path: readonly PathSegment[]): Span;
  /** The syntax-tree node of the value at a path, if there is one. */
  nodeAt(path: readonly PathSegment[]): Node | undefined;
  /** 1-based line and column of an offset. */
  lineColumn(offset: number): { line: number; column: number };
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `$.Statement[0].Condition.Bool['aws:SecureTransport']`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (identifier.test(seg)) out += `.${seg}`;
    else out += `['${seg.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return out;
}

function describeSyntaxError(e: ParseError): string {
  switch (printParseErrorCode(e.error)) {
    case 'InvalidCommentToken':
      return 'comments are not allowed in a policy (S3 accepts strict JSON only)';
    case 'PropertyNameExpected':
      return 'expected a property name in double quotes (a trailing comma, or a key without quotes?)';
    case 'ValueExpected':
      return 'expected a value (a trailing comma, or a missing value?)';
    case 'ColonExpected':
      return 'expected ":" after the property name';
    case 'CommaExpected':
      return 'expected "," between values';
    case 'CloseBraceExpected':
      return 'expected "}" to close the object';
    case 'CloseBracketExpected':
      return 'expected "]" to close the array';
    case 'EndOfFileExpected':
      return 'unexpected text after the end of the policy';
    case 'UnexpectedEndOfString':
      return 'the string is not closed';
    case 'UnexpectedEndOfComment':
      return 'the comment is not closed (and comments are not allowed)';
    case 'InvalidNumberFormat':
      return 'not a valid JSON number';
    case 'InvalidEscapeCharacter':
      return 'not a valid escape in a JSON string';
    case 'InvalidUnicode':
      return 'not a valid \\u escape';
    case 'InvalidCharacter':
      return 'a control character inside a string';
    default:
      return 'not valid JSON here';
  }
}

export function parsePolicyText(text: string): ParsedPolicyText {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineColumn = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };

  const duplicateKeys: ParsedPolicyText['duplicateKeys'] = [];
  // One mistake can give two errors at one place ("}" after a comma: no name, no value): keep the first.
  const syntaxErrors = errors
    .filter((e, i) => errors.findIndex((o) => o.offset === e.offset) === i)
    .map((e) => ({ offset: e.offset, length: e.length, message: describeSyntaxError(e) }));
  // A tree with syntax errors is partial: no value then, only the errors.
  const value = root && errors.length === 0 ? toValue(root, [], duplicateKeys) : undefined;

  /** The property node (for keys) and value node at a path; the last existing node otherwise. */
  function walk(path: readonly PathSegment[]): { node: Node | undefined; property?: Node; complete: boolean } {
    let node = root;
    let property: Node | undefined;
    for (const seg of path) {
      if (!node) return { node, complete: false };
      if (typeof seg === 'number') {
        if (node.type !== 'array' || !node.children?.[seg]) return { node, property, complete: false };
        property = undefined;
        node = node.children[seg];
      } else {
        if (node.type !== 'object') return { node, property, complete: false };
        // The last one wins, as JSON.parse has it.
        const props = (node.children ?? []).filter((p) => p.children?.[0]?.value === seg);
        const prop = props[props.length - 1];
        if (!prop?.children?.[1]) return { node, property, complete: false };
        property = prop;
        node = prop.children[1];
      }
    }
    return { node, property, complete: true };
  }
  const whole: Span = { offset: 0, length: text.length };
  return {
    text,
    value,
    syntaxErrors,
    duplicateKeys,
    lineColumn,
    nodeAt: (path) => {
      const r = walk(path);
      return r.complete ? r.node : undefined;
    },
    spanOf: (path) => {
      const { node } = walk(path);
      return node ? { offset: node.offset, length: node.length } : whole;
    },
    keySpanOf: (path) => {
      const { node, property, complete } = walk(path);
      const key = complete ? property?.children?.[0] : undefined;
      if (key) return { offset: key.offset, length: key.length };
      return node ? { offset: node.offset, length: node.length } : whole;
    },
  };
}

function toValue(node: Node, path: PathSegment[], duplicates: ParsedPolicyText['duplicateKeys']): Json {
  switch (node.type) {
    case 'object': {
      const out: { [key: string]: Json } = {};
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const [keyNode, valueNode] = prop.children ?? [];
        if (!keyNode || !valueNode) continue;
        const key = keyNode.value as string;
        if (seen.has(key)) duplicates.push({ path: [...path, key], key, span: { offset: keyNode.offset, length: keyNode.length } });
        seen.add(key);
        // defineProperty: a key named __proto__ is data here, not the object's prototype.
        Object.defineProperty(out, key, { value: toValue(valueNode, [...path, key], duplicates), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((child, i) => toValue(child, [...path, i], duplicates));
    default:
      return node.value as Json;
  }
}
