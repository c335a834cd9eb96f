/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * json.h - the command's one JSON writer (json.c): objects, arrays, names
 * and values in the order they are called, commas and indentation kept by
 * the writer, strings escaped.
 */
#ifndef __BTFIDS_JSON_H
#define __BTFIDS_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	16

struct json {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH];	/* per open object or array: a comma before the next */
	bool after_name;		/* the next value is a member's */
};

void json_begin(struct json *j, FILE *f);
/* The last newline; the document must be closed. */
void json_end(struct json *j);

void json_object_start(struct json *j);
void json_object_end(struct json *j);
void json_array_start(struct json *j);
void json_array_end(struct json *j);
/* A member's name; its value follows. */
void json_name(struct json *j, const char *name);

void json_string(struct json *j, const char *s);
void json_uint(struct json *j, unsigned long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* A member: its name and value in one call. */
void json_member_string(struct json *j, const char *name, const char *s);
void json_member_uint(struct json *j, const char *name, unsigned long long v);
void json_member_bool(struct json *j, const char *name, bool v);

#endif /* __BTFIDS_JSON_H */
