// Word lists for the semantic-cache guard: entities.ts uses them to tell topic words from common ones.
//
// COMMON words are those a paraphrase may freely add, drop or swap: function words, the scaffolding of
// questions and requests ("can you explain", "what's the way to"), frequent generic verbs, adjectives and
// adverbs, and the generic nouns of everyday questions (way, thing, difference, height, author...). Any
// other word is a topic word: when one question has it and the other does not, they are not the same question.
//
// Every entry is a trade-off. A word left out makes paraphrases that swap it a cache miss (one upstream
// call). A word put in makes questions that differ only by it invisible to the guard (a wrong answer, unless
// the similarity threshold catches it). So topic nouns stay out even when frequent (file, eggs, capital,
// population), and so does one pole of most antonym pairs: with "large" common and "small" not, "largest
// planet" vs "smallest planet" is still rejected, because "smallest" is a topic word missing on one side.
//
// Lookups happen after light stemming (plural, -ed, -ing, -er, -est, -ly), so base forms are mostly enough;
// irregular forms (wrote, written, bought) are listed as such.

const words = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean))

/**
 * Function words. Besides being common they are never entities when capitalised mid-sentence, so a
 * Title Case Question still matches its lower-case twin. "after", "below", "under", "down", "off" are
 * deliberately absent: they flip the meaning of an otherwise identical question ("before a workout").
 */
export const STOPWORDS: ReadonlySet<string> = words(`
a an the this that these those there here it its itself i me my mine myself you your yours yourself
yourselves we us our ours ourselves they them their theirs themselves he him his himself she her hers
herself who whom whose which what whatever whichever whoever when whenever where wherever why how however
whether if unless because since as than then so such both either neither each every any some many much
more most few several all none no not nor or and but yet also too very just only even still already
again ever never always often sometimes usually rather quite really actually maybe perhaps about above
across along among amongst around at before beside besides between beyond by during except for from in
inside into like near of on onto out over past per through throughout till to toward towards until up
upon via with within without is are was were be been being am do does did done doing have has had having
will would shall should can could may might must ought let lets oh ah um hmm yes yeah yep ok okay please
pls plz thanks thank thx hi hello hey dear vs versus etc eg ie cannot ca won shan ain wanna gonna gotta
kinda sorta isn aren wasn weren don doesn didn hasn haven hadn wouldn couldn shouldn mustn needn
`)

/** Frequent words a paraphrase may vary; STOPWORDS are merged in below. */
const COMMON_ONLY = words(`
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
billion trillion dozen first second third fourth fifth sixth seventh eighth ninth tenth last next twice
half quarter once number numbers percent percentage

ask asked question questions answer answered reply explain explanation tell told show showed shown give
gave given write wrote written writing writer author authored make made create creator generate describe
description summarize summarise summary translate translation convert conversion list provide provided
suggest suggestion recommend recommendation define definition mean meant meaning means stand stood example
examples instance sample item items way ways method step steps thing things stuff know known knew understand understood
learn learnt need want like try use usage get got gotten work happen occur exist difference differences
different differ compare comparison similar same other another own kind kinds type types form sort version
versions term terms word words phrase sentence say said saying speak spoke spoken talk call name named
proofread grammar spelling rephrase rewrite paraphrase polish compose draft

recipe tip tips trick tricks advice guide tutorial instructions idea ideas option options choice choices
alternative alternatives advantage advantages disadvantage disadvantages benefit benefits pros cons
purpose reason reasons cause causes effect effects result results problem problems issue issues trouble
solution solutions approach technique strategy process formula syntax command code coding program
programming script snippet function implement implementation language

fix solve resolve repair help helpful support allow check test find search calculate compute choose pick
decide prefer select include contain consist belong build develop design plan prepare happen become seem
appear look see saw seen watch hear heard feel felt think thought believe guess suppose consider wonder
remember mind care matter do go went gone come came take took taken bring brought put set run ran move turn
leave stay wait keep kept hold held change improve increase affect let give offer share teach
taught study practice practise train travel invent inventor discover discovery artist founder exit quit

good great nice fine better best well correct true real right sure possible able simple simply easy easier
easiest easily quick quickly fast faster fastest speed rate basic basics brief briefly detail details
detailed main general generally specific specifically exactly exact common usual normal typical
important current whole full complete entire overall proper properly certain particular various new old big
bigger biggest large larger largest great greater greatest high higher highest tall taller tallest height
size long longer longest length wide width far farther further furthest distance deep depth heavy weight
weigh age temperature degree much many amount count total cost price worth value safe safer safest
health healthy popular famous useful effective efficient interesting funny fun serious beautiful happy

people person man men woman women child children kid kids boy girl guy guys friend friends someone
somebody anyone anybody everyone everybody nobody nothing something anything everything somewhere
anywhere everywhere nowhere

time times year years day days week weeks month months hour hours minute minutes moment today tomorrow
yesterday now soon later recently ago currently nowadays date period while forever live lived living born

world earth place places country countries city cities part parts piece point points level case cases
fact facts information info knowledge topic subject field aspect feature features role job task rule rules
group set system source sources resource resources story sense

also instead especially basically probably possibly likely definitely certainly truly mostly mainly
generally typically normally nearly almost approximately roughly enough pretty fairly somewhat anyway
otherwise though although whereas else together apart alone away back forward ahead
`)

export const COMMON_WORDS: ReadonlySet<string> = new Set([...STOPWORDS, ...COMMON_ONLY])

/**
 * Short forms people type interchangeably with the full word. Both sides are folded to the full word
 * before comparing, so "dict" meets "dictionary"; an abbreviation that could mean two things is left out.
 */
export const ALIASES: ReadonlyMap<string, string> = new Map([
  ['dict', 'dictionary'],
  ['repo', 'repository'],
  ['int', 'integer'],
  ['str', 'string'],
  ['db', 'database'],
  ['js', 'javascript'],
  ['ts', 'typescript'],
  ['py', 'python'],
  ['golang', 'go'],
  ['env', 'environment'],
  ['config', 'configuration'],
  ['func', 'function'],
  ['arg', 'argument'],
  ['param', 'parameter'],
  ['app', 'application'],
  ['info', 'information'],
  ['pic', 'picture'],
  ['photo', 'photograph'],
  ['doc', 'documentation'],
  ['docs', 'documentation'],
])
