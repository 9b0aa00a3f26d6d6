#!/usr/bin/env node
// Checks what `deno doc --lint` does not: every export of every entry point
// in deno.json is documented the house way. Reads `deno doc --json` and
// prints one line a gap, `file:line: symbol: what is missing`; exits 1 if
// there is any.
//
// - Entry point: a module doc.
// - Function (each overload), constructor, public method: a summary, an
//   `@param` for each parameter (and none for a parameter that does not
//   exist), `@returns` unless it returns void, a titled `@example` whose code
//   runs under `deno test --doc` (not `ignore`, no relative import).
// - Class: a summary and a titled runnable `@example`; each public property
//   a summary.
// - Interface: a summary, each property a summary. Type alias: a summary
//   (and each member of an object type a summary). Variable: a summary and a
//   titled runnable `@example`.
// - `@throws`: no script can prove what a function throws, so it is required
//   where it is certain — the body has a `throw` statement of its own (not in
//   a nested function), the JSDoc says the function throws or rejects, or the
//   return type is `never` — and the rest is a matter for review.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = process.cwd();
const deno = join(root, "node_modules", ".bin", "deno");
const entries = Object.values(JSON.parse(readFileSync(join(root, "deno.json"), "utf8")).exports);
const gaps = [];

function where(location) {
  if (!location) return "?";
  const path = location.filename.startsWith("file:")
    ? relative(root, fileURLToPath(location.filename))
    : location.filename;
  return `${path}:${location.line + 1}`; // deno doc counts lines from 0
}

function gap(location, name, what) {
  gaps.push(`${where(location)}: ${name}: ${what}`);
}

const tags = (jsDoc, kind) => (jsDoc?.tags ?? []).filter((tag) => tag.kind === kind);
const summary = (jsDoc) => (jsDoc?.doc ?? "").trim() !== "";

// ---------------------------------------------------------------------------
// Source text, with strings, comments and regular expressions blanked, to find
// `throw` statements in a declaration's own body.

const masked = new Map();

/** The file's text with every string, comment and regex literal blanked out. */
function maskedSource(filename) {
  if (masked.has(filename)) return masked.get(filename);
  const bytes = readFileSync(fileURLToPath(filename));
  const text = bytes.toString("utf8");
  const out = text.split("");
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  const templates = []; // brace depth at each open `${`
  let depth = 0;
  let prev = ""; // last significant code character
  let word = ""; // last identifier-like word
  let i = 0;
  const regexAllowed = () =>
    prev === "" || "(,=:[!&|?{};+-*%<>~^".includes(prev) ||
    ["return", "typeof", "case", "in", "of", "void", "throw"].includes(word);
  const scanTemplate = () => {
    // i is just after "`" or just after the "}" closing a `${`.
    const start = i;
    while (i < text.length) {
      if (text[i] === "\\") i += 2;
      else if (text[i] === "`") {
        blank(start, i);
        i++;
        prev = "`";
        return;
      } else if (text[i] === "$" && text[i + 1] === "{") {
        blank(start, i);
        i += 2;
        templates.push(depth);
        depth++;
        prev = "{";
        return;
      } else i++;
    }
    blank(start, i);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
      prev = c;
      word = "";
    } else if (c === "`") {
      i++;
      scanTemplate();
      word = "";
    } else if (c === "/" && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== "\n") {
        if (text[j] === "\\") j++;
        else if (text[j] === "[") inClass = true;
        else if (text[j] === "]") inClass = false;
        else if (text[j] === "/" && !inClass) break;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
      prev = "/";
      word = "";
    } else {
      if (c === "{") depth++;
      if (c === "}") {
        depth--;
        if (templates.length > 0 && templates.at(-1) === depth) {
          templates.pop();
          i++;
          scanTemplate();
          continue;
        }
      }
      if (/[A-Za-z0-9_$]/.test(c)) word = /[A-Za-z0-9_$]/.test(prev) ? word + c : c;
      else if (!/\s/.test(c)) word = "";
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  const result = { text: out.join(""), bytes };
  masked.set(filename, result);
  return result;
}

/** Index just past the bracket that closes the one at `open`. */
function closing(text, open) {
  const pairs = { "(": ")", "{": "}", "[": "]" };
  const stack = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack.at(-1)) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  return text.length;
}

/** Whether the body of the function declared at `location` has a `throw` of its own. */
function throwsDirectly(location) {
  if (!location?.filename?.startsWith("file:")) return false;
  const { text, bytes } = maskedSource(location.filename);
  let i = bytes.subarray(0, location.byteIndex).toString("utf8").length;
  i = text.indexOf("(", i);
  if (i === -1) return false;
  i = closing(text, i);
  // The body is the first `{` that follows a complete type or the parameter list.
  let prev = ")";
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === ";") return false; // an overload signature: no body
    if (c === "{" && /[A-Za-z0-9_$>\])}]/.test(prev) && text.slice(i - 2, i).trim() !== "=>") break;
    if ("([{<".includes(c) && c !== "<") {
      i = closing(text, i) - 1;
      prev = text[i];
      continue;
    }
    if (!/\s/.test(c)) prev = c;
  }
  const end = closing(text, i);
  // Blank nested functions: their throws are not this function's.
  let body = text.slice(i + 1, end - 1);
  for (;;) {
    const nested = /=>\s*\{|\bfunction\b[^{]*\{/g;
    const match = nested.exec(body);
    if (!match) break;
    const open = match.index + match[0].length - 1;
    const stop = closing(body, open);
    body = body.slice(0, match.index) + " ".repeat(stop - match.index) + body.slice(stop);
  }
  return /\bthrow\b/.test(body);
}

// ---------------------------------------------------------------------------
// The rules.

function checkExamples(jsDoc, location, name) {
  const examples = tags(jsDoc, "example");
  if (examples.length === 0) return gap(location, name, "no @example");
  let runnable = false;
  for (const example of examples) {
    const doc = example.doc ?? "";
    const title = doc.split("\n")[0].trim();
    if (title === "" || title.startsWith("```")) gap(location, name, "an @example has no title");
    const fences = [...doc.matchAll(/^```(.*)$/gm)];
    if (fences.length === 0) gap(location, name, "an @example has no code block");
    for (let k = 0; k < fences.length; k += 2) {
      const info = fences[k][1].trim().split(/\s+/);
      if (!["", "ts", "typescript", "js", "javascript"].includes(info[0])) continue;
      if (!info.includes("ignore")) runnable = true;
    }
    if (/\bfrom\s+["']\.{1,2}\//.test(doc)) {
      gap(location, name, `@example "${title}" imports a relative path, not the package`);
    }
  }
  if (!runnable) gap(location, name, "no @example runs under deno test --doc (all ignored)");
}

function paramName(param) {
  if (param.kind === "identifier") return param.name;
  if (param.kind === "assign") return paramName(param.left);
  if (param.kind === "rest") return paramName(param.arg);
  return null; // a destructuring pattern: its @param may be named anything
}

const returnsNothing = (type) => {
  if (!type) return false;
  if (type.kind === "keyword") return ["void", "undefined", "never"].includes(type.value);
  if (type.kind === "typeRef" && type.value.typeName === "Promise") {
    const [inner] = type.value.typeParams ?? [];
    return inner?.kind === "keyword" && ["void", "undefined"].includes(inner.value);
  }
  return false;
};

const MENTIONS_THROW = /\b(throws?|thrown|rejects?|rejected)\b/i;

/** A function, overload, method or constructor. */
function checkCallable(jsDoc, def, location, name, { constructor = false } = {}) {
  if (!summary(jsDoc)) gap(location, name, "no summary");
  const params = tags(jsDoc, "param");
  const documented = new Set(params.map((tag) => tag.name));
  const names = [];
  (def.params ?? []).forEach((param, index) => {
    const pname = paramName(param);
    if (pname === null) {
      if (params.length <= index) gap(location, name, `no @param for parameter ${index + 1}`);
      return;
    }
    names.push(pname);
    if (!documented.has(pname)) gap(location, name, `no @param ${pname}`);
  });
  for (const tag of params) {
    if (names.length === (def.params ?? []).length && !names.includes(tag.name)) {
      gap(location, name, `@param ${tag.name} names no parameter`);
    }
  }
  if (!constructor && !returnsNothing(def.returnType) && tags(jsDoc, "return").length === 0) {
    gap(location, name, "no @returns");
  }
  if (tags(jsDoc, "throws").length === 0) {
    const text = [jsDoc?.doc ?? "", ...(jsDoc?.tags ?? []).map((tag) => tag.doc ?? "")]
      .map((t) => t.replace(/```[\s\S]*?```/g, "")) // examples may throw on purpose
      .join("\n")
      .replace(/\b(never|not|n't)\s+(throws?|thrown|rejects?|rejected)\b/gi, "");
    const never = def.returnType?.kind === "keyword" && def.returnType.value === "never";
    if (MENTIONS_THROW.test(text)) gap(location, name, "says it throws, but has no @throws");
    else if (never) gap(location, name, "returns never, but has no @throws");
    else if (def.hasBody && throwsDirectly(location)) {
      gap(location, name, "its body throws, but it has no @throws");
    }
  }
  checkExamples(jsDoc, location, name);
}

function checkMembers(members, owner, ownerLocation) {
  for (const member of members ?? []) {
    if (!summary(member.jsDoc)) {
      gap(member.location ?? ownerLocation, `${owner}.${member.name}`, "no summary");
    }
  }
}

const isPublic = (member) => !member.accessibility || member.accessibility === "public";

function checkClass(declaration, name) {
  const { jsDoc, def, location } = declaration;
  if (!summary(jsDoc)) gap(location, name, "no summary");
  checkExamples(jsDoc, location, name);
  for (const ctor of def.constructors ?? []) {
    if (!isPublic(ctor)) continue;
    checkCallable(ctor.jsDoc, ctor, ctor.location ?? location, `new ${name}()`, {
      constructor: true,
    });
  }
  const overloads = new Set(
    (def.methods ?? []).filter((m) => m.functionDef && !m.functionDef.hasBody).map((m) => m.name),
  );
  for (const method of def.methods ?? []) {
    if (!isPublic(method) || method.name.startsWith("#")) continue;
    if (overloads.has(method.name) && method.functionDef?.hasBody) continue; // the implementation
    const member = `${name}${method.isStatic ? "." : ".prototype."}${method.name}`;
    if (method.kind === "getter" || method.kind === "setter") {
      if (!summary(method.jsDoc)) gap(method.location ?? location, member, "no summary");
      continue;
    }
    checkCallable(method.jsDoc, method.functionDef, method.location ?? location, `${member}()`);
  }
  checkMembers(
    (def.properties ?? []).filter((p) => isPublic(p) && !p.name.startsWith("#")),
    name,
    location,
  );
}

function checkDeclaration(declaration, name) {
  const { kind, jsDoc, def, location } = declaration;
  switch (kind) {
    case "function":
      return checkCallable(jsDoc, def, location, `${name}()`);
    case "class":
      return checkClass(declaration, name);
    case "interface":
      if (!summary(jsDoc)) gap(location, name, "no summary");
      checkMembers(def.properties, name, location);
      checkMembers(def.methods, name, location);
      return;
    case "typeAlias":
      if (!summary(jsDoc)) gap(location, name, "no summary");
      if (def.tsType?.kind === "typeLiteral") {
        checkMembers(def.tsType.value.properties, name, location);
        checkMembers(def.tsType.value.methods, name, location);
      }
      return;
    case "variable":
      if (!summary(jsDoc)) gap(location, name, "no summary");
      return checkExamples(jsDoc, location, name);
    case "enum":
      if (!summary(jsDoc)) gap(location, name, "no summary");
      return checkMembers(def.members, name, location);
    case "namespace":
      if (!summary(jsDoc)) gap(location, name, "no summary");
      for (const element of def.elements ?? []) {
        for (const inner of element.declarations ?? [element]) {
          checkDeclaration(inner, `${name}.${element.name}`);
        }
      }
      return;
    default:
      return gap(location, name, `unknown kind ${kind}: teach tests/doc_check.mjs about it`);
  }
}

const seen = new Set();
for (const entry of entries) {
  const result = spawnSync(deno, ["doc", "--json", entry], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (result.status !== 0) {
    console.error(`deno doc --json ${entry} failed:\n${result.stderr}`);
    process.exit(1);
  }
  const doc = JSON.parse(result.stdout);
  const url = new URL(entry, `file://${root}/`).href;
  const node = doc.nodes?.[url];
  if (!node) {
    console.error(`deno doc --json ${entry}: no node for ${url} (has the JSON shape changed?)`);
    process.exit(1);
  }
  const file = relative(root, fileURLToPath(url));
  if (!summary(node.module_doc)) gaps.push(`${file}:1: entry point has no module doc`);
  for (const symbol of node.symbols ?? []) {
    // An overloaded function: callers see the overloads, not the implementation.
    const overloaded = symbol.declarations.some((d) => d.kind === "function" && !d.def.hasBody);
    for (const declaration of symbol.declarations) {
      if (overloaded && declaration.kind === "function" && declaration.def.hasBody) continue;
      const { location } = declaration;
      const key = `${location?.filename}:${location?.line}:${symbol.name}`;
      if (seen.has(key)) continue; // re-exported by more than one entry point
      seen.add(key);
      checkDeclaration(declaration, symbol.name);
    }
  }
}

for (const line of gaps) console.log(line);
if (gaps.length > 0) {
  console.log(`${gaps.length} documentation gaps`);
  process.exit(1);
}
console.log(`every export of ${entries.join(", ")} is documented`);
