// npm run bench:console — the console's render bench alone (`npm run bench` runs it too, after
// the Ed-Fi figures): see console-render.ts.
import { benchConsoleRender } from './console-render.ts';

await benchConsoleRender();
