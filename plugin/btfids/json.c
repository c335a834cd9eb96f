// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * json.c - the command's JSON writer (json.h), as bpftool has one: every
 * JSON the command prints goes through here, two spaces per level.
 */
#include "json.h"

void json_begin(struct json *j, FILE *f)
{
	*j = (struct json){ .f = f };
}

void json_end(struct json *j)
{
	fputc('\n', j->f);
}

static void indent(struct json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Before a value or a name: the comma and the line it goes on. */
static void item(struct json *j)
{
	if (j->after_name) {
		j->after_name = false;
		return;
	}
	if (!j->depth)
		return;
	if (j->depth <= JSON_MAX_DEPTH) {
		if (j->has_items[j->depth - 1])
			fputc(',', j->f);
		j->has_items[j->depth - 1] = true;
	}
	indent(j);
}

static void open_level(struct json *j, char c)
{
	item(j);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->has_items[j->depth] = false;
	j->depth++;
}

static void close_level(struct json *j, char c)
{
	bool had = j->depth <= JSON_MAX_DEPTH && j->has_items[j->depth - 1];

	j->depth--;
	if (had)
		indent(j);
	fputc(c, j->f);
}

void json_object_start(struct json *j)
{
	open_level(j, '{');
}

void json_object_end(struct json *j)
{
	close_level(j, '}');
}

void json_array_start(struct json *j)
{
	open_level(j, '[');
}

void json_array_end(struct json *j)
{
	close_level(j, ']');
}

static void put_string(struct json *j, const char *s)
{
	fputc('"', j->f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(j->f, "\\%c", c);
		else if (c < 0x20)
			fprintf(j->f, "\\u%04x", c);
		else
			fputc(c, j->f);
	}
	fputc('"', j->f);
}

void json_name(struct json *j, const char *name)
{
	item(j);
	put_string(j, name);
	fputs(": ", j->f);
	j->after_name = true;
}

void json_string(struct json *j, const char *s)
{
	item(j);
	put_string(j, s);
}

void json_uint(struct json *j, unsigned long long v)
{
	item(j);
	fprintf(j->f, "%llu", v);
}

void json_bool(struct json *j, bool v)
{
	item(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	item(j);
	fputs("null", j->f);
}

void json_member_string(struct json *j, const char *name, const char *s)
{
	json_name(j, name);
	json_string(j, s);
}

void json_member_uint(struct json *j, const char *name, unsigned long long v)
{
	json_name(j, name);
	json_uint(j, v);
}

void json_member_bool(struct json *j, const char *name, bool v)
{
	json_name(j, name);
	json_bool(j, v);
}
