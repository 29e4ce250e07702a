/**
 * A reader for the subset of the Prisma schema language this project uses: models with scalar,
 * enum and relation fields, field attributes (@id @unique @default @map @updatedAt @relation
 * @db.*) and block attributes (@@map @@id @@unique @@index), and enums. Prisma's own parser ships
 * only as WASM inside its CLI bundle, and the npm AST parser is CommonJS-incompatible with Node
 * 20's ESM loader; anything this reader does not understand is an error, never silently skipped.
 */

export interface Attribute {
  name: string;
  /** Raw argument text inside the parentheses, or undefined when there were none. */
  args: string | undefined;
}

export interface FieldDefinition {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attributes: Attribute[];
}

export interface ModelDefinition {
  name: string;
  fields: FieldDefinition[];
  blockAttributes: Attribute[];
}

export interface PrismaSchema {
  models: ModelDefinition[];
  enums: Map<string, string[]>;
}

function stripComments(source: string): string {
  return source
    .split('\n')
    .map((line) => {
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (ch === '"' && line[i - 1] !== '\\') inString = !inString;
        if (!inString && ch === '/' && line[i + 1] === '/') return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

/** Splits `@id @default(now()) @map("x")` into attributes, respecting nested parentheses. */
export function parseAttributes(text: string, prefix: '@' | '@@'): Attribute[] {
  const attributes: Attribute[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] ?? '')) {
      i++;
      continue;
    }
    if (!text.startsWith(prefix, i) || (prefix === '@' && text.startsWith('@@', i))) {
      throw new Error(`unexpected text in schema: ${text.slice(i)}`);
    }
    i += prefix.length;
    const nameMatch = /^[A-Za-z_][\w.]*/.exec(text.slice(i));
    if (!nameMatch) throw new Error(`attribute without a name: ${text.slice(i)}`);
    const name = nameMatch[0];
    i += name.length;
    let args: string | undefined;
    if (text[i] === '(') {
      let depth = 0;
      let inString = false;
      const start = i + 1;
      for (; i < text.length; i++) {
        const ch = text[i];
        if (ch === '"' && text[i - 1] !== '\\') inString = !inString;
        if (inString) continue;
        if (ch === '(') depth++;
        if (ch === ')' && --depth === 0) break;
      }
      if (depth !== 0) throw new Error(`unbalanced parentheses in @${name}`);
      args = text.slice(start, i).trim();
      i++;
    }
    attributes.push({ name, args });
  }
  return attributes;
}

export function parsePrismaSchema(source: string): PrismaSchema {
  const text = stripComments(source);
  const models: ModelDefinition[] = [];
  const enums = new Map<string, string[]>();
  const blockPattern = /^(model|enum|generator|datasource|view|type)\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
  for (const match of text.matchAll(blockPattern)) {
    const [, kind, name = '', body = ''] = match;
    const lines = body
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (kind === 'enum') {
      enums.set(
        name,
        lines.filter((line) => !line.startsWith('@@')).map((line) => line.split(/\s+/)[0] ?? ''),
      );
    } else if (kind === 'model') {
      const model: ModelDefinition = { name, fields: [], blockAttributes: [] };
      for (const line of lines) {
        if (line.startsWith('@@')) {
          model.blockAttributes.push(...parseAttributes(line, '@@'));
          continue;
        }
        const fieldMatch = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
        if (!fieldMatch) throw new Error(`cannot read field line in model ${name}: ${line}`);
        const [, fieldName = '', type = '', list, optional, rest = ''] = fieldMatch;
        model.fields.push({
          name: fieldName,
          type,
          list: list !== undefined,
          optional: optional !== undefined,
          attributes: parseAttributes(rest, '@'),
        });
      }
      models.push(model);
    } else if (kind === 'view' || kind === 'type') {
      throw new Error(`schema drift check does not support '${kind}' blocks yet`);
    }
  }
  return { models, enums };
}
