import { LineCounter, parseDocument } from 'yaml'

// Where a config file stops being YAML. Bun's parser, which reads the file, says only "Unexpected token"; the
// `yaml` package finds the line and column of the first error. Its messages can quote the text (which may
// hold a key), so only its error code is turned into words here.

const WORDS: Record<string, string> = {
  BAD_INDENT: 'the indentation does not line up with the lines around it, or a bracket opened above is not closed',
  TAB_AS_INDENT: 'a tab is used for indentation (use spaces)',
  MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line (a missing ":" or an unclosed quote?)',
  BLOCK_AS_IMPLICIT_KEY: 'a nested mapping is where a key should be (check the indentation)',
  MISSING_CHAR: 'something is missing here (a ":", a closing bracket or quote?) or the indentation is off',
  UNEXPECTED_TOKEN: 'an unexpected character',
  BAD_SCALAR_START: 'a value starts with a character YAML reserves (quote the value)',
  DUPLICATE_KEY: 'a key appears twice in the same mapping',
  BAD_DIRECTIVE: 'a bad % directive',
  MULTIPLE_DOCS: 'more than one document (--- separators)',
}

export interface YamlErrorPlace {
  line: number
  column: number
  what: string
}

/** The first error of `text` by line and column (1-based), or undefined when the `yaml` package finds none. */
export function locateYamlError(text: string): YamlErrorPlace | undefined {
  const lines = new LineCounter()
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const error = document.errors[0]
  if (!error) return undefined
  const { line, col } = lines.linePos(error.pos[0])
  return { line, column: col, what: WORDS[error.code] ?? error.code.toLowerCase().replaceAll('_', ' ') }
}
