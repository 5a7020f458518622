/**
 * LaTeX in digest text made readable as plain text, for every place that cannot typeset it: tree
 * labels, hovers, quick picks, notifications, notes, the CLI. `$\texttt{SAILOR}$` reads `SAILOR`,
 * `$\alpha$` reads `α`, `$O(n^2)$` reads `O(n²)`, `$\mathbb{R}^d$` reads `ℝᵈ`. The paper view
 * typesets the same formulas with KaTeX instead (webview/math.ts); BibTeX keeps the LaTeX.
 *
 * Inside math (see splitMath for the delimiters) symbols become their Unicode characters, `^` and
 * `_` become superscripts and subscripts where Unicode has every character, braces group and
 * vanish. Outside math only what is unambiguous changes: text commands (`\textbf{x}`, `\emph{x}`,
 * `{\em x}`), symbol commands (`\alpha`) and escaped specials (`\%`); braces, `^`, `_` and `~`
 * stay as written, since plain text uses them too. A command we do not know shows its argument
 * (`\foo{x}` reads `x`) or, without one, its source (`\ourapproach` stays `\ourapproach`).
 */
import { splitMath } from './delimiters';

/** `text` with its LaTeX made readable as plain Unicode text (see the module comment). */
export function readableMath(text: string): string {
  if (!text.includes('\\') && !text.includes('$')) return text;
  let out = '';
  let changed = false;
  for (const segment of splitMath(text)) {
    if (segment.kind === 'text') {
      const readable = readableText(segment.text);
      changed ||= readable !== segment.text;
      out += readable;
    } else {
      out += new TexReader(segment.tex, true).read().trim();
      changed = true;
    }
  }
  // Spacing commands and dropped declarations leave doubled spaces behind; line breaks stay.
  return changed ? out.replace(/[ \t]{2,}/g, ' ') : text;
}

/**
 * Text known to hold no formula (a text segment of splitMath, or what markdown made of one) with its
 * text-mode LaTeX made readable, by the rules for text outside math above.
 */
export function readableText(text: string): string {
  if (!text.includes('\\')) return text;
  return new TexReader(text, false).read().replace(/[ \t]{2,}/g, ' ');
}

/** The symbol commands, in math and in text. */
// prettier-ignore
const SYMBOLS: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ', vartheta: 'ϑ',
  iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', varpi: 'ϖ', rho: 'ρ', varrho: 'ϱ', sigma: 'σ',
  varsigma: 'ς', tau: 'τ', upsilon: 'υ', phi: 'ϕ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  times: '×', cdot: '·', cdots: '⋯', ldots: '…', dots: '…', pm: '±', mp: '∓', div: '÷', ast: '∗', star: '⋆', circ: '∘', bullet: '•',
  leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', ne: '≠', approx: '≈', sim: '∼', simeq: '≃', cong: '≅', equiv: '≡', propto: '∝',
  ll: '≪', gg: '≫', in: '∈', notin: '∉', ni: '∋', subset: '⊂', subseteq: '⊆', supset: '⊃', supseteq: '⊇', cup: '∪', cap: '∩',
  setminus: '∖', emptyset: '∅', varnothing: '∅', infty: '∞', partial: '∂', nabla: '∇', forall: '∀', exists: '∃', neg: '¬', lnot: '¬',
  land: '∧', wedge: '∧', lor: '∨', vee: '∨', oplus: '⊕', otimes: '⊗', odot: '⊙', sum: '∑', prod: '∏', int: '∫', oint: '∮',
  to: '→', rightarrow: '→', leftarrow: '←', gets: '←', leftrightarrow: '↔', Rightarrow: '⇒', Leftarrow: '⇐', Leftrightarrow: '⇔',
  implies: '⟹', iff: '⟺', mapsto: '↦', longrightarrow: '⟶', longleftarrow: '⟵', uparrow: '↑', downarrow: '↓',
  top: '⊤', bot: '⊥', perp: '⊥', parallel: '∥', mid: '|', vert: '|', Vert: '‖', lvert: '|', rvert: '|', lVert: '‖', rVert: '‖',
  langle: '⟨', rangle: '⟩', lceil: '⌈', rceil: '⌉', lfloor: '⌊', rfloor: '⌋', ell: 'ℓ', hbar: 'ℏ', Re: 'ℜ', Im: 'ℑ', aleph: 'ℵ',
  prime: '′', degree: '°', dagger: '†', dag: '†', ddagger: '‡', checkmark: '✓', triangle: '△', square: '□', diamond: '⋄', angle: '∠',
  S: '§', P: '¶', copyright: '©', textbackslash: '\\', textasciitilde: '~', textasciicircum: '^', textbar: '|', textless: '<',
  textgreater: '>', textendash: '–', textemdash: '—', LaTeX: 'LaTeX', TeX: 'TeX', colon: ':', lbrace: '{', rbrace: '}',
  log: 'log', ln: 'ln', exp: 'exp', sin: 'sin', cos: 'cos', tan: 'tan', max: 'max', min: 'min', arg: 'arg', det: 'det',
  lim: 'lim', sup: 'sup', inf: 'inf', Pr: 'Pr', argmax: 'argmax', argmin: 'argmin',
};

/** Commands whose argument is shown as it is (the style is lost, the words are not). */
// prettier-ignore
const STYLE_COMMANDS = new Set([
  'text', 'textbf', 'textit', 'texttt', 'textsf', 'textrm', 'textsc', 'textnormal', 'textup', 'textmd', 'emph', 'underline',
  'mathrm', 'mathbf', 'mathit', 'mathsf', 'mathtt', 'mathnormal', 'boldsymbol', 'bm', 'mbox', 'hbox', 'operatorname',
  'overline', 'widehat', 'widetilde', 'mathop', 'mathbin', 'mathrel', 'textcolor', 'color',
]);

/** Font declarations (`{\em x}`, `{\bf x}`): they change the style of what follows, which plain text cannot show. */
// prettier-ignore
const DECLARATIONS = new Set(['em', 'bf', 'it', 'tt', 'rm', 'sf', 'sc', 'sl', 'bfseries', 'itshape', 'ttfamily', 'scshape', 'mdseries', 'upshape', 'normalfont', 'displaystyle', 'textstyle', 'scriptstyle']);

/** Sizing commands before a delimiter (`\left(`, `\big|`): the delimiter alone reads the same. */
// prettier-ignore
const SIZING = new Set(['left', 'right', 'middle', 'big', 'Big', 'bigg', 'Bigg', 'bigl', 'bigr', 'Bigl', 'Bigr', 'biggl', 'biggr']);

// prettier-ignore
const SPACES: Record<string, string> = { ',': ' ', ';': ' ', ':': ' ', ' ': ' ', '!': '', quad: ' ', qquad: ' ', enspace: ' ', thinspace: ' ' };

/** Combining accents, for one character: `\hat{x}` reads `x̂`. */
// prettier-ignore
const ACCENTS: Record<string, string> = {
  hat: '\u0302', bar: '\u0304', tilde: '\u0303', vec: '\u20d7', dot: '\u0307', ddot: '\u0308', acute: '\u0301', grave: '\u0300',
  "'": '\u0301', '`': '\u0300', '"': '\u0308', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307', c: '\u0327', v: '\u030c', u: '\u0306', H: '\u030b',
};

/** Characters `\X` that stand for themselves. */
const ESCAPED = new Set(['{', '}', '$', '%', '&', '#', '_', '|']);

// prettier-ignore
const SUPERSCRIPTS: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '+': '⁺', '-': '⁻', '−': '⁻',
  '=': '⁼', '(': '⁽', ')': '⁾', a: 'ᵃ', b: 'ᵇ', c: 'ᶜ', d: 'ᵈ', e: 'ᵉ', f: 'ᶠ', g: 'ᵍ', h: 'ʰ', i: 'ⁱ', j: 'ʲ', k: 'ᵏ', l: 'ˡ',
  m: 'ᵐ', n: 'ⁿ', o: 'ᵒ', p: 'ᵖ', r: 'ʳ', s: 'ˢ', t: 'ᵗ', u: 'ᵘ', v: 'ᵛ', w: 'ʷ', x: 'ˣ', y: 'ʸ', z: 'ᶻ', A: 'ᴬ', B: 'ᴮ',
  D: 'ᴰ', E: 'ᴱ', G: 'ᴳ', H: 'ᴴ', I: 'ᴵ', J: 'ᴶ', K: 'ᴷ', L: 'ᴸ', M: 'ᴹ', N: 'ᴺ', O: 'ᴼ', P: 'ᴾ', R: 'ᴿ', T: 'ᵀ', U: 'ᵁ',
  V: 'ⱽ', W: 'ᵂ', '⊤': 'ᵀ', '′': '′', '∗': '*', '*': '*', ' ': '',
};

// prettier-ignore
const SUBSCRIPTS: Record<string, string> = {
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉', '+': '₊', '-': '₋', '−': '₋',
  '=': '₌', '(': '₍', ')': '₎', a: 'ₐ', e: 'ₑ', h: 'ₕ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', l: 'ₗ', m: 'ₘ', n: 'ₙ', o: 'ₒ', p: 'ₚ', r: 'ᵣ',
  s: 'ₛ', t: 'ₜ', u: 'ᵤ', v: 'ᵥ', x: 'ₓ', ' ': '',
};

/** The double-struck capitals that Unicode placed in Letterlike Symbols rather than the math block. */
const DOUBLE_STRUCK: Record<string, string> = { C: 'ℂ', H: 'ℍ', N: 'ℕ', P: 'ℙ', Q: 'ℚ', R: 'ℝ', Z: 'ℤ' };
const SCRIPT: Record<string, string> = { B: 'ℬ', E: 'ℰ', F: 'ℱ', H: 'ℋ', I: 'ℐ', L: 'ℒ', M: 'ℳ', R: 'ℛ' };

function doubleStruck(text: string): string {
  return text.replace(/[A-Za-z0-9]/g, (ch) => {
    if (DOUBLE_STRUCK[ch]) return DOUBLE_STRUCK[ch];
    if (ch >= '0' && ch <= '9') return String.fromCodePoint(0x1d7d8 + ch.charCodeAt(0) - 48);
    return ch <= 'Z' ? String.fromCodePoint(0x1d538 + ch.charCodeAt(0) - 65) : String.fromCodePoint(0x1d552 + ch.charCodeAt(0) - 97);
  });
}

function script(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => SCRIPT[ch] ?? String.fromCodePoint(0x1d49c + ch.charCodeAt(0) - 65));
}

/** `text` in `table`'s characters when the table has every one of them, else undefined. */
function mapAll(text: string, table: Record<string, string>): string | undefined {
  let out = '';
  for (const ch of text) {
    const mapped = table[ch];
    if (mapped === undefined) return undefined;
    out += mapped;
  }
  return out;
}

/** A small reader of TeX: enough to turn the formulas of paper titles and abstracts into text. */
class TexReader {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly math: boolean,
  ) {}

  read(): string {
    return this.sequence(false);
  }

  /** Everything up to the end, or up to the `}` that closes the group when `inGroup`. */
  private sequence(inGroup: boolean): string {
    let out = '';
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '}') {
        if (inGroup) {
          this.pos++;
          return out;
        }
        this.pos++;
        out += '}';
      } else if (ch === '{') {
        out += this.group();
      } else if (ch === '\\') {
        out += this.command();
      } else if (this.math && (ch === '^' || ch === '_')) {
        this.pos++;
        out += this.script(ch);
      } else if (this.math && ch === '~') {
        this.pos++;
        out += ' ';
      } else {
        this.pos++;
        out += ch;
      }
    }
    return out;
  }

  /** A `{...}` group: in math, its contents; in text, its braces stay unless a declaration (`{\em x}`) opens it. */
  private group(): string {
    const declaration = /^\{\s*\\([A-Za-z]+)/.exec(this.src.slice(this.pos, this.pos + 40));
    if (this.math || (declaration && DECLARATIONS.has(declaration[1]))) {
      this.pos++;
      return this.sequence(true);
    }
    this.pos++;
    return `{${this.sequence(true)}}`;
  }

  /** The next argument: a group's contents, one command, or one character. Undefined at the end. */
  private argument(): string | undefined {
    while (this.src[this.pos] === ' ') this.pos++;
    if (this.pos >= this.src.length) return undefined;
    const ch = this.src[this.pos];
    if (ch === '{') {
      this.pos++;
      return this.sequence(true);
    }
    if (ch === '\\') return this.command();
    this.pos++;
    return ch;
  }

  /** A `{...}` argument right after a command, read in the current mode; undefined when none follows. */
  private braceArgument(): string | undefined {
    let at = this.pos;
    while (this.src[at] === ' ') at++;
    if (this.src[at] !== '{') return undefined;
    this.pos = at + 1;
    return this.sequence(true);
  }

  private skipOptional(): void {
    if (this.src[this.pos] !== '[') return;
    const close = this.src.indexOf(']', this.pos);
    if (close > 0) this.pos = close + 1;
  }

  private script(mark: '^' | '_'): string {
    const argument = this.argument();
    if (argument === undefined) return mark;
    const mapped = mapAll(argument, mark === '^' ? SUPERSCRIPTS : SUBSCRIPTS);
    if (mapped !== undefined && mapped !== '') return mapped;
    return [...argument].length > 1 ? `${mark}(${argument})` : `${mark}${argument}`;
  }

  private command(): string {
    const start = this.pos;
    const word = /^\\([A-Za-z]+)/.exec(this.src.slice(this.pos, this.pos + 64));
    if (!word) {
      // A control symbol: `\%`, `\,`, `\'e`, or a backslash at the end.
      const symbol = this.src[this.pos + 1];
      this.pos += 2;
      if (symbol === undefined) return '\\';
      // Outside formulas a backslash before a dollar or a space is left as written: `\$(bug)` must
      // not turn into a codicon, and `a \ b` is more likely a backslash than TeX's control space.
      if (!this.math && (symbol === '$' || symbol === ' ')) return this.src.slice(start, this.pos);
      if (ESCAPED.has(symbol)) return symbol;
      if (symbol === '\\') return this.math ? ' ' : '\\\\';
      if (SPACES[symbol] !== undefined && (this.math || symbol === ',')) return SPACES[symbol];
      if (ACCENTS[symbol] !== undefined && !this.math) return this.accent(ACCENTS[symbol]) ?? this.src.slice(start, this.pos);
      return this.src.slice(start, this.pos);
    }
    const name = word[1];
    this.pos += word[0].length;
    if (SYMBOLS[name] !== undefined) return SYMBOLS[name];
    if (SPACES[name] !== undefined) return SPACES[name];
    if (STYLE_COMMANDS.has(name)) {
      // \textcolor{red}{x} and \color{red}: the colour is no text.
      if (name === 'textcolor') this.braceArgument();
      if (name === 'color') {
        this.braceArgument();
        return '';
      }
      return this.argument() ?? '';
    }
    if (DECLARATIONS.has(name)) {
      // TeX eats the space after a control word; here it would start the styled text (`{\em x}`).
      while (this.src[this.pos] === ' ') this.pos++;
      return '';
    }
    if (SIZING.has(name)) {
      while (this.src[this.pos] === ' ') this.pos++;
      if (this.src[this.pos] === '.') this.pos++;
      return '';
    }
    if (name === 'mathbb' || name === 'mathbbm' || name === 'bbm') return doubleStruck(this.argument() ?? '');
    if (name === 'mathcal' || name === 'mathscr') return script(this.argument() ?? '');
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
      const numerator = this.argument() ?? '';
      const denominator = this.argument() ?? '';
      return `${wrap(numerator)}/${wrap(denominator)}`;
    }
    if (name === 'sqrt') {
      this.skipOptional();
      return `√${wrap(this.argument() ?? '')}`;
    }
    if (ACCENTS[name] !== undefined) return this.accent(ACCENTS[name]) ?? '';
    // A command we do not know: its argument when it has one, else its source.
    const argument = this.braceArgument();
    return argument ?? this.src.slice(start, this.pos);
  }

  /** The next argument with a combining accent when it is one character; the argument alone otherwise. */
  private accent(mark: string): string | undefined {
    const argument = this.argument();
    if (argument === undefined) return undefined;
    return [...argument].length === 1 ? `${argument}${mark}`.normalize('NFC') : argument;
  }
}

/** An operand of `/` or `√`: in parentheses when it is more than one character. */
function wrap(text: string): string {
  const trimmed = text.trim();
  return [...trimmed].length > 1 && !/^\(.*\)$/.test(trimmed) ? `(${trimmed})` : trimmed;
}
