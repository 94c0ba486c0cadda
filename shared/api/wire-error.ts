import { z } from 'zod';
import { errorCodes } from './errors';

/** An error as it crosses the API: a code the UI can act on and a message for people. */
export const wireErrorSchema = z.object({ code: z.enum(errorCodes), message: z.string() });
