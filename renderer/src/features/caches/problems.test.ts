import { describe, expect, it } from 'vitest';
import { problemLook } from './problems';

describe('problemLook', () => {
  it('suggests initialising a bucket or folder that is not a cache yet', () => {
    expect(problemLook('not-a-cache', true)).toEqual({ title: 'Not a Nix cache yet', tone: 'setup', action: 'initialise' });
    expect(problemLook('no-such-bucket', true).action).toBe('initialise');
  });

  it('never suggests initialising a read-only cache', () => {
    expect(problemLook('not-a-cache', false).action).toBeNull();
  });

  it('points credential problems at the connection settings', () => {
    expect(problemLook('bad-credentials', true)).toMatchObject({ tone: 'error', action: 'edit' });
  });

  it('sends an endpoint that does not speak S3 to the connection settings, never to Initialise', () => {
    expect(problemLook('not-s3', true)).toEqual({ title: 'Not an S3 server', tone: 'error', action: 'edit' });
  });

  it('has a plain fallback for codes without a look of their own', () => {
    expect(problemLook('internal', true)).toEqual({ title: 'Something went wrong', tone: 'error', action: null });
  });
});
