// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * log.c - reporting. Every message of the pass goes through here, filtered
 * by verbosity and handed to the host's callback, or to stderr.
 *
 * Errors have one form, written only here: "btfids: FILE: what is wrong".
 * Each context counts the errors it reported, so that a public call which
 * fails without having said why (an allocation deep in a helper, mostly)
 * adds the one line itself (btfids_failed()): every failure is reported
 * exactly once. Warnings keep resolve_btfids' wording: kernel builds grep
 * for it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

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

static void log_va(const struct btfids_opts *opts, enum btfids_log_level level,
		   const char *fmt, va_list args)
{
	if (opts && level_verbosity(level) > opts->verbose)
		return;
	if (opts && opts->log)
		opts->log(opts->log_ctx, level, fmt, args);
	else
		vfprintf(stderr, fmt, args);
}

void btfids_log(const struct btfids_opts *opts, enum btfids_log_level level,
		const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_va(opts, level, fmt, args);
	va_end(args);
}

/* Through the callback as one call, so a host sees one whole line. */
static void error_line(const struct btfids_opts *opts, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_va(opts, BTFIDS_LOG_ERROR, fmt, args);
	va_end(args);
}

void btfids_verror(struct btfids_log *lg, const char *file, const char *fmt, va_list args)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, args);
	if (lg->on_error)
		lg->on_error(lg->on_error_ctx, file, msg);
	else
		error_line(lg->opts, "btfids: %s: %s\n", file ? file : "(no file)", msg);
	lg->nr_errors++;
}

void btfids_error(struct btfids_log *lg, const char *file, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	btfids_verror(lg, file, fmt, args);
	va_end(args);
}

int btfids_failed(struct btfids_log *lg, unsigned int before, const char *file, int err)
{
	if (err < 0 && lg->nr_errors == before)
		btfids_error(lg, file, "%s", err == -ENOMEM ? "out of memory" : strerror(-err));
	return err;
}
