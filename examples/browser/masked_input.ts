/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="esnext" />
// A masked text field for the secret key that works in every browser: the
// field shows one "•" a character, and the characters themselves live in
// this closure alone, never in the DOM. A password field would mask it too,
// but password managers offer to save what is typed there, and the key must
// not be stored; `-webkit-text-security` masks a text field in some browsers
// only, and leaves the key in the DOM.

/** A masked field's key. */
export interface MaskedInput {
  /** The characters typed or pasted, as they were typed. */
  readonly value: string;
  /** Forgets the key and empties the field. */
  clear(): void;
}

const MASK = "•";

/**
 * Masks `input`: typing, pasting, deleting and replacing a selection edit a
 * key kept out of the DOM, while the field shows a "•" for each of its
 * characters. Undo and drag-and-drop, which would move the bullets instead
 * of the key, are refused. An IME's composition shows until it is committed.
 * A change made without an edit event (autofill, an extension) is taken
 * whole into an empty field; into one that shows bullets, where it cannot
 * be told from them, it empties the field and forgets the key.
 *
 * @param input A text field.
 * @returns The key and a way to forget it.
 */
export function maskInput(input: HTMLInputElement): MaskedInput {
  let key = "";
  // The selection and length just before an edit: where the edit happened.
  // Set by `beforeinput` for the `input` event of the same task, or by
  // `compositionstart` for the whole composition; never older than that.
  let before: { start: number; end: number; length: number } | null = null;
  let composing = false;

  const selection = () => ({
    start: input.selectionStart ?? input.value.length,
    end: input.selectionEnd ?? input.value.length,
    length: input.value.length,
  });

  input.addEventListener("compositionstart", () => {
    composing = true;
    before = selection(); // where the composition starts, whatever came before
  });

  input.addEventListener("beforeinput", (event) => {
    if (/^(history|insertFromDrop|deleteByDrag)/.test(event.inputType)) {
      event.preventDefault();
      return;
    }
    if (composing && before !== null) return; // where the composition started
    const edit = selection();
    before = edit;
    // An edit that changes nothing (Backspace at the start) fires no `input`:
    // its selection is forgotten once this task is over, so that no later
    // change is applied at its place.
    setTimeout(() => {
      if (before === edit && !composing) before = null;
    });
  });

  function apply(): void {
    const shown = input.value;
    if (shown === MASK.repeat(key.length)) {
      before = null; // nothing changed (the input event after compositionend)
      return;
    }
    const caret = input.selectionEnd ?? shown.length;
    if (before === null) {
      // Changed without an edit event (autofill, an extension): its text can
      // be taken only when no bullet stands for the key around it.
      key = shown.includes(MASK) ? "" : shown;
      input.value = MASK.repeat(key.length);
      return;
    }
    const { start, end, length } = before;
    const grown = shown.length - length;
    if (start === end && grown < 0) {
      // Backspace removes before the caret, Delete after it.
      const from = Math.min(caret, start);
      key = key.slice(0, from) + key.slice(from - grown);
    } else {
      key = key.slice(0, start) + shown.slice(start, start + grown + end - start) +
        key.slice(end);
    }
    before = null;
    input.value = MASK.repeat(key.length);
    input.setSelectionRange(caret, caret);
  }

  input.addEventListener("input", (event) => {
    if (!(event as InputEvent).isComposing) apply();
  });
  input.addEventListener("compositionend", () => {
    composing = false;
    apply();
  });

  return {
    get value() {
      return key;
    },
    clear() {
      key = "";
      input.value = "";
    },
  };
}
