// The negation rule of the guard: "is it safe" and "is it not safe" embed as near twins yet want opposite
// answers, so a question negated on one side only is a different question. English and Chinese both.

// Presence, not parity: paraphrases add negated side clauses ("it never prints") far more often than
// people ask doubly negated questions, and parity would reject the former.
const EN_NEGATORS = new Set(
  ('not no never none nobody nothing nowhere neither nor without cannot unable ' +
    // typed without the apostrophe, as chat users do
    'dont doesnt didnt isnt arent wasnt werent cant couldnt wouldnt shouldnt wont hasnt havent hadnt mustnt neednt aint').split(' ')
)
// Negations that do not negate the question: hedges about the asker, "or not" tails of yes/no questions,
// "not only", "No. 5".
const EN_NOT_NEGATIONS = new RegExp(
  [
    "\\b(?:i(?:'m| am) not sure|not sure|i (?:do not|don't|dont) (?:know|understand)|(?:i have )?no idea",
    'whether or not|or not|not only|no matter|no doubt|never mind)\\b',
    '\\bno\\.?(?=\\s*\\d)',
  ].join('|'),
  'g'
)

const ZH_NOT_NEGATIONS = new RegExp(
  [
    '不过', '不错', '不仅', '不但', '不同', '不一样', '不断', '不少', '不久', '不管', '不论', '不如', '不然',
    '不得不', '差不多', '对不起', '了不起', '不客气', '不好意思', '不妨', '不禁', '不免', '不止', '不只',
    '我?不太?(?:知道|懂|明白|清楚)', '我不会',
    '别人', '别的', '区别', '分别', '类别', '性别', '特别', '级别', '识别', '告别', '辨别', '差别', '个别',
    '别名', '别称', '派别', '鉴别', '离别', '判别', '甄别', '别墅',
    '无论', '无聊', '无数', '无人机', '无非', '非常', '是非', '非洲', '除非', '莫非', '未来',
    '莫斯科', '莫名', '莫过于', '莫扎特', '没收', '沉没', '淹没', '埋没', '出没', '吞没',
  ].join('|'),
  'g'
)

export function isNegated(text: string): boolean {
  const lower = text.toLowerCase().replace(EN_NOT_NEGATIONS, ' ')
  for (const m of lower.matchAll(/[a-z]+(?:'[a-z]+)?/g)) {
    if (EN_NEGATORS.has(m[0]) || m[0].endsWith("n't")) return true
  }
  if (/[\u3400-\u9fff]/.test(text)) {
    const zh = text
      // A-not-A questions (是不是, 有没有, 可不可以) ask yes/no, they negate nothing.
      .replace(/(\p{Script=Han})[不没]\1/gu, ' ')
      .replace(ZH_NOT_NEGATIONS, ' ')
    if (/[不没别无非未莫勿]/.test(zh)) return true
  }
  return false
}
