// The figures and formatSize are in limits.cts (CommonJS): see there.
import limits from './limits.cjs';

export const { KiB, MiB, METADATA_BODY_LIMIT, TOKEN_BODY_LIMIT, MCP_MESSAGE_LIMIT, FILE_LIMIT, SECRET_VALUE_LIMIT, formatSize } = limits;
