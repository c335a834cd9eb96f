/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * log.h - reporting, for every stage: one form for errors, written in
 * log.c only ("btfids: FILE: what is wrong"), each counted, so that a
 * public call failing without a line can add it (btfids_failed());
 * resolve_btfids' wording for warnings; debug lines by verbosity.
 */
#ifndef __BTFIDS_LOG_H
#define __BTFIDS_LOG_H

#include "btfids.h"

/* Where a context's messages go, and how many errors it has reported. */
struct btfids_log {
	const struct btfids_opts *opts;
	unsigned int nr_errors;
	/* when set, errors go here instead of being a line (verify's problems) */
	void (*on_error)(void *ctx, const char *file, const char *msg);
	void *on_error_ctx;
};

__attribute__((format(printf, 3, 4)))
void btfids_log(const struct btfids_opts *opts, enum btfids_log_level level,
		const char *fmt, ...);
/* "btfids: FILE: " + the message + "\n", counted as one error */
__attribute__((format(printf, 3, 4)))
void btfids_error(struct btfids_log *lg, const char *file, const char *fmt, ...);
__attribute__((format(printf, 3, 0)))
void btfids_verror(struct btfids_log *lg, const char *file, const char *fmt, va_list args);
/* @err, after reporting it for @file if nothing was since @before */
int btfids_failed(struct btfids_log *lg, unsigned int before, const char *file, int err);

#define pr_warn(lg, ...)	btfids_log((lg)->opts, BTFIDS_LOG_WARN, __VA_ARGS__)
#define pr_debug(lg, ...)	btfids_log((lg)->opts, BTFIDS_LOG_DEBUG, __VA_ARGS__)

#endif /* __BTFIDS_LOG_H */
