import { isMap, isPair, isScalar, isSeq, Node, Pair } from 'yaml';
import { YamlSource } from './yaml-source.loader';

export interface YamlPosition {
  file: string;
  line: number;
  col: number;
}

/**
 * Finds where a path points inside one YAML source. Falls back to the deepest node that exists, so a
 * missing required field is reported at its parent. `atKey` points at the key (for unknown keys).
 */
export function locateInSource(
  source: YamlSource,
  path: ReadonlyArray<string | number>,
  atKey = false,
  /** A character offset inside the scalar found (e.g. where a CEL condition goes wrong). */
  innerOffset?: number,
): YamlPosition {
  let node: unknown = source.doc.contents;
  let position = offsetOf(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    let next: unknown;
    let pair: Pair | undefined;
    if (isMap(node)) {
      pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      next = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (pair === undefined && next === undefined) {
      break;
    }
    const isLast = i === path.length - 1;
    const target = isLast && atKey && pair ? pair.key : (next ?? pair?.key);
    position = offsetOf(target) ?? offsetOf(pair?.key) ?? position;
    if (isLast && innerOffset !== undefined) {
      position = withinSingleLineScalar(source, target, innerOffset) ?? position;
    }
    node = next;
  }
  const at = source.lines.linePos(position);
  return { file: source.file, line: at.line, col: at.col };
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function offsetOf(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

/**
 * The offset of a character inside a one-line plain or quoted scalar. Block scalars and multi-line
 * flows fold their text, so there the scalar's start is the best position to give.
 */
function withinSingleLineScalar(source: YamlSource, node: unknown, innerOffset: number): number | undefined {
  if (!isScalar(node) || !node.range) {
    return undefined;
  }
  const [start, end] = node.range;
  if (source.text.slice(start, end).includes('\n')) {
    return undefined;
  }
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  if (!quoted && node.type !== 'PLAIN') {
    return undefined;
  }
  return Math.min(start + (quoted ? 1 : 0) + innerOffset, end);
}
