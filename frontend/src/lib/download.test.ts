import { describe, expect, it } from 'vitest';
import { toCsv } from './download';

describe('toCsv', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(toCsv([['host', 'days'], ['a,b', 3], ['=cmd()', -2], ['say "hi"', null]])).toBe(
      'host,days\r\n"a,b",3\r\n\'=cmd(),-2\r\n"say ""hi""",\r\n',
    );
  });
});
