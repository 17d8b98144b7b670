import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandLineSpec<O extends Options> {
  /** e.g. "pnpm seed [--force]" */
  usage: string;
  /** What the command does, shown under the usage line. */
  description: string;
  options: O;
  /** One line of help per option. */
  help: Partial<Record<keyof O & string, string>>;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
}

export interface CommandLine<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
  positionals: string[];
}

function helpText<O extends Options>(spec: CommandLineSpec<O>): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const flag = `--${name}${option.type === "string" ? " <value>" : ""}`;
    return `  ${flag.padEnd(26)} ${spec.help[name as keyof O & string] ?? ""}`;
  });
  rows.push(`  ${"--help".padEnd(26)} show this help and do nothing else`);
  return `Usage: ${spec.usage}\n\n${spec.description}\n\nOptions:\n${rows.join("\n")}\n`;
}

/**
 * Every Campus CLI reads its arguments here: `--help` prints the usage and
 * exits without doing anything, and an unknown option is refused with the
 * usage instead of being ignored.
 */
export function commandLine<O extends Options>(
  spec: CommandLineSpec<O>,
  argv: string[] = process.argv.slice(2),
): CommandLine<O> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(helpText(spec));
    process.exit(0);
  }
  try {
    const parsed = parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true });
    if (!spec.positionals && parsed.positionals.length > 0) {
      throw new Error(`unexpected argument '${parsed.positionals[0]}'`);
    }
    return { values: parsed.values as CommandLine<O>["values"], positionals: parsed.positionals };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${helpText(spec)}`);
    process.exit(2);
  }
}
