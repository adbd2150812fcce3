import { main } from '../lib/cli/main';
import { runProcess } from '../lib/cli/run-command';

runProcess(() => main(process.argv.slice(2)));
