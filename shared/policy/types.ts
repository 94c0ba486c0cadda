// The policy checker's and simulator's public types. Other features (the Policy screen, the live
// probe, the CLI) build on these names: keep them stable.

export type Severity = 'error' | 'security' | 'warning' | 'suggestion';

/** What the bucket is for; the checker's Nix readiness checks follow it. */
export type Intent = 'public-cache' | 'private-cache' | 'uploader';
export const intents: readonly Intent[] = ['public-cache', 'private-cache', 'uploader'];

/** A replacement of `length` characters at `offset` (0-based, in UTF-16 units of the text) by `content`. */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

export interface Fix {
  /** What the fix does, as a button label: "Add arn:aws:s3:::cache/* to Resource". */
  title: string;
  /** Edits of the policy text, against the text the finding was made for, not overlapping. */
  edits: TextEdit[];
}

export interface Finding {
  /** A stable code, e.g. `unknown-action`, `public-write`. */
  id: string;
  severity: Severity;
  /** JSONPath of the value the finding is about: `$.Statement[0].Action[1]`; `$` for the whole document. */
  path: string;
  /** 1-based line and column of that value in the text (1:1 when the text has no such place). */
  line: number;
  column: number;
  /** 0-based offset and length of that value in the text, for underlining. */
  offset: number;
  length: number;
  /** One line, in plain words. */
  message: string;
  fix?: Fix;
}

export interface CheckOptions {
  /** The bucket the policy is for; without it the checker takes the bucket the policy's resources name. */
  bucket?: string;
  intent?: Intent;
  /** The principal the intent is about (private-cache reader, uploader): an ARN, or `*`. */
  principal?: string;
  /** A bucket policy (default) names its principals; an IAM user policy has none. */
  kind?: 'bucket-policy' | 'iam-user-policy';
}

/** JSON values of a policy document as parsed (nothing is assumed about its shape). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type PolicyDocument = { [key: string]: Json };

export type Decision = 'allowed' | 'explicit-deny' | 'implicit-deny';

export interface SimulationRequest {
  /** `anonymous` (or `*`) for an unauthenticated caller, otherwise the caller's ARN. */
  principal: string;
  /** e.g. `s3:GetObject` (case-insensitive). */
  action: string;
  /** The resource's ARN; or give `bucket` and, for object actions, `key`. */
  resource?: string;
  bucket?: string;
  key?: string;
  /** The request context: `aws:SecureTransport`, `aws:SourceIp`, `s3:prefix`, ... */
  context?: Record<string, string | string[]>;
}

export interface StatementVerdict {
  sid?: string;
  index: number;
  effect: 'Allow' | 'Deny';
  /** Whether principal, action, resource and every condition matched the request. */
  matched: boolean;
  /** Why it matched, or the first thing that did not. */
  why: string;
}

export interface SimulationResult {
  decision: Decision;
  /** The resource ARN the request was evaluated for. */
  resource: string;
  statements: StatementVerdict[];
}

export interface PolicyTemplate {
  id: string;
  title: string;
  explanation: string;
  /** The policy JSON, formatted with two spaces. */
  text: string;
  /** `bucket-policy` goes on the bucket; `iam-user-policy` is pasted into the provider's IAM console. */
  kind: 'bucket-policy' | 'iam-user-policy';
  /** The intent to check it with. */
  intent?: Intent;
}
