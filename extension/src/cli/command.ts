export interface CliCommand {
  name: string;
  /** One line: the command and its options, as in DESIGN §5. */
  usage: string;
  /** Returns the process exit code. Throws UsageError for bad arguments. */
  run(argv: string[]): Promise<number>;
}
