// Usage: npm install tokenizers@0.23.2 && node make-tokenizer-json.js 10000 vocab.json merges.txt OUT_DIR
// Builds two small byte-level BPE tokenizer.json files with Hugging Face `tokenizers` (npm 0.23.2),
// from the first N merges of GPT-2's real vocabulary, and prints HF's own encodings as reference ids.
const fs = require('fs');
const { Tokenizer } = require('tokenizers');
const N = Number(process.argv[2] || 10000);
const [vocabPath, mergesPath, outDir] = process.argv.slice(3);
const fullVocab = JSON.parse(fs.readFileSync(vocabPath, 'utf8'));
const mergeLines = fs.readFileSync(mergesPath, 'utf8').split('\n').filter(l => l && !l.startsWith('#version'));
const merges = mergeLines.slice(0, N).map(l => l.split(' '));
// GPT-2 ids 0..255 are the byte alphabet and id 256+i is the result of merge i, so a prefix of the
// merge list with ids below 256+N is a self-consistent smaller GPT-2.
const vocab = {};
for (const [tok, id] of Object.entries(fullVocab)) if (id < 256 + N) vocab[tok] = id;
function build(preTokenizer, normalizer) {
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [{ id: 256 + N, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer, pre_tokenizer: preTokenizer,
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
             fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
}
const qwen2Pattern = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const variants = {
  'gpt2-10k-tokenizer-json': build({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }, null),
  'qwen2-style-tokenizer-json': build({ type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: qwen2Pattern }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false }] },
    { type: 'NFC' }),
};
const texts = JSON.parse(fs.readFileSync(__dirname + '/reference-texts.json', 'utf8'));
(async () => {
  for (const [name, json] of Object.entries(variants)) {
    const tok = Tokenizer.fromString(JSON.stringify(json));
    fs.mkdirSync(`${outDir}/${name}`, { recursive: true });
    tok.save(`${outDir}/${name}/tokenizer.json`);      // HF's own serialization
    const reloaded = Tokenizer.fromFile(`${outDir}/${name}/tokenizer.json`);
    console.log(`== ${name}`);
    for (const t of texts) {
      const enc = await reloaded.encode(t);
      console.log(JSON.stringify(t), JSON.stringify(enc.getIds()), JSON.stringify(await reloaded.decode(enc.getIds(), false)));
    }
  }
})();
