// The checker, simulator and templates the screen runs in the page: pure code from shared/policy.
export { checkPolicy, simulate, templates } from '../../../../shared/policy';
