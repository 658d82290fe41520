import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { generateConfigJsonSchema } from '../config/json-schema.generator';

export function schemaCommand(): Command {
  return new Command('schema')
    .description('print the JSON Schema of the configuration (for editor autocompletion)')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action((options: { out?: string }) => {
      const text = `${JSON.stringify(generateConfigJsonSchema(), null, 2)}\n`;
      if (options.out) {
        writeFileSync(options.out, text);
        process.stdout.write(`wrote ${options.out}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}
