/* fuzz_yaml.c — libFuzzer target for yaml_tree.h and schema.h: parse the
 * input into a tree, then validate and bind it with a small demo table. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shared/schema.h"
#include "shared/yaml_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_target {
  char *name;
  int64_t port, ttl, size;
  bool on;
  struct vg_strlist tags;
  char *level;
};

static const char *const fuzz_levels[] = {"low", "high", NULL};
static const struct vg_schema_field fuzz_item_fields[] = {
    {.key = "action", .type = VG_SCHEMA_ENUM, .required = true, .values = fuzz_levels},
    {.key = "n", .type = VG_SCHEMA_INT, .min = -5, .max = 5},
    {0}};
static const struct vg_schema_field fuzz_item = {.type = VG_SCHEMA_MAP, .fields = fuzz_item_fields};
static const struct vg_schema_field fuzz_net[] = {
    {.key = "port", .type = VG_SCHEMA_INT, .def = "80", .min = 1, .max = 65535,
     .offset = offsetof(struct fuzz_target, port)},
    {0}};
static const struct vg_schema_field fuzz_table[] = {
    {.key = "name", .type = VG_SCHEMA_STRING, .def = "x", .min = 1, .max = 40,
     .offset = offsetof(struct fuzz_target, name)},
    {.key = "net", .type = VG_SCHEMA_MAP, .fields = fuzz_net},
    {.key = "a.b.ttl", .type = VG_SCHEMA_DURATION, .def = "1h", .offset = offsetof(struct fuzz_target, ttl)},
    {.key = "a.size", .type = VG_SCHEMA_SIZE, .def = "1KiB", .offset = offsetof(struct fuzz_target, size)},
    {.key = "on", .type = VG_SCHEMA_BOOL, .offset = offsetof(struct fuzz_target, on)},
    {.key = "tags", .type = VG_SCHEMA_STRLIST, .max = 4, .offset = offsetof(struct fuzz_target, tags)},
    {.key = "level", .type = VG_SCHEMA_ENUM, .values = fuzz_levels, .def = "low",
     .offset = offsetof(struct fuzz_target, level)},
    {.key = "items", .type = VG_SCHEMA_SEQ, .elem = &fuzz_item},
    {.key = "any", .type = VG_SCHEMA_ANY},
    {0}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct vg_yaml_doc *doc = NULL;
  struct vg_err err;
  if (vg_yaml_parse((const char *)data, size, "fuzz.yaml", &doc, &err)) return 0;
  struct fuzz_target t;
  memset(&t, 0, sizeof(t));
  vg_schema_defaults(fuzz_table, &t, NULL);
  vg_schema_check(fuzz_table, vg_yaml_root(doc), &t, &err);
  vg_schema_check(fuzz_table, vg_yaml_root(doc), NULL, NULL);
  vg_schema_cleanup(fuzz_table, &t);
  vg_yaml_free(doc);
  return 0;
}
