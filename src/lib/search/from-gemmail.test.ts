import { describe, expect, it } from 'vitest';
import { parseGemmailB } from '../misfin/gemmail';
import { searchDocumentFromGemmail } from './from-gemmail';
import { SearchIndex } from './search-index';

describe('searchDocumentFromGemmail', () => {
  it('indexes subject, body, every sender and recipient, and blurbs', () => {
    const mail = parseGemmailB(
      '< workers@hive.com Worker bees list\n< 33@hive.com Bee Thirty-Three\n: queen@hive.com\n@ 2023-05-09T19:39:15Z\n# A note on flowers\n\nThe green ones bite.\n',
    );
    const doc = searchDocumentFromGemmail('g1', mail);
    expect(doc).toEqual({
      id: 'g1',
      subject: 'A note on flowers',
      body: '# A note on flowers\n\nThe green ones bite.\n',
      addresses: ['workers@hive.com', '33@hive.com', 'queen@hive.com'],
      names: ['Worker bees list', 'Bee Thirty-Three'],
      receivedAt: Date.parse('2023-05-09T19:39:15Z'),
    });
    const index = new SearchIndex();
    index.add(doc);
    for (const query of ['flowers', 'green bite', 'queen', 'hive.com', 'thirty', 'bee']) {
      expect(index.search(query).map((hit) => hit.id)).toEqual(['g1']);
    }
  });

  it('falls back to 0 without a timestamp and takes an explicit time', () => {
    const mail = parseGemmailB('< a@b.c\n\nhello');
    expect(searchDocumentFromGemmail('x', mail).receivedAt).toBe(0);
    expect(searchDocumentFromGemmail('x', mail, 42).receivedAt).toBe(42);
  });
});
