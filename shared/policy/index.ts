// Bucket policies for Nix caches: the checker, the simulator, the templates. Pure TypeScript.
export * from './types';
export { checkPolicy, isFailing, severityOrder } from './check';
export { simulate, requestResource, isAnonymous, PolicySimulationError } from './simulate';
export { applyFix } from './report';
export { parsePolicyText, formatPath } from './parse';
export { uploaderActions, nixReadKeys } from './check/nix';
export { templates, examplePrincipal } from './templates';
export { bucketOfPolicy } from './check/statement';
export { fillPlaceholders, fillCheckOptions, type CorpusExpectation, type CorpusValues } from './corpus-format';
