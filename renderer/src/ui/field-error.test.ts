import { describe, expect, it } from 'vitest';
import { fieldErrorText } from './field-error';

describe('fieldErrorText', () => {
  it('names the field before a message that does not', () => {
    expect(fieldErrorText('Name', 'A cache needs a name.')).toBe('Name: A cache needs a name.');
  });

  it('does not name the field twice when the message already starts with it', () => {
    expect(fieldErrorText('Key name', 'Key name "a b" contains whitespace.')).toBe('Key name "a b" contains whitespace.');
    expect(fieldErrorText('Key name', 'key name "a:b" contains \':\'')).toBe('Key name "a:b" contains \':\'');
  });
});
