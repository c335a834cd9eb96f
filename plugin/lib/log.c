// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * log.c - reporting. Every message of the pass goes through btfids_log(),
 * which filters by verbosity and hands it to the host's callback, or to
 * stderr. Warnings keep resolve_btfids' wording: kernel builds grep for it.
 */
#include <stdio.h>

#include "btfids_internal.h"

static int level_verbosity(enum btfids_log_level level)
{
	switch (level) {
	case BTFIDS_LOG_DEBUG:
		return 1;
	case BTFIDS_LOG_DEBUG2:
		return 2;
	default:
		return 0;
	}
}

void btfids_log(const struct btfids_opts *opts, enum btfids_log_level level,
		const char *fmt, ...)
{
	va_list args;

	if (opts && level_verbosity(level) > opts->verbose)
		return;

	va_start(args, fmt);
	if (opts && opts->log)
		opts->log(opts->log_ctx, level, fmt, args);
	else
		vfprintf(stderr, fmt, args);
	va_end(args);
}
