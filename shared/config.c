/* config.c — daemon options: struct vg_config_opt tables mapped onto
 * schema.h field tables. */
#include "shared/config.h"

#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/yaml_tree.h"

/* The schema table of an options table (caller frees). */
static struct vg_schema_field *config_fields(const struct vg_config_opt *table) {
  size_t n = 0;
  while (table[n].key) n++;
  struct vg_schema_field *f = vg_xcalloc(n + 1, sizeof(*f));
  for (size_t i = 0; i < n; i++) {
    const struct vg_config_opt *o = &table[i];
    f[i] = (struct vg_schema_field){.key = o->key, .type = (enum vg_schema_type)o->type,
                                    .def = o->def, .min = o->min, .max = o->max,
                                    .values = o->values, .help = o->help, .offset = o->offset};
  }
  return f;
}

int vg_config_defaults(const struct vg_config_opt *table, void *target, struct vg_err *err) {
  struct vg_schema_field *f = config_fields(table);
  int r = vg_schema_defaults(f, target, err);
  free(f);
  return r;
}

int vg_config_load_file(const struct vg_config_opt *table, void *target, const char *path,
                        struct vg_err *err) {
  struct vg_schema_field *f = config_fields(table);
  struct vg_yaml_doc *doc = NULL;
  int r = vg_schema_defaults(f, target, err);
  if (r) goto done;
  r = vg_yaml_load_file(path, &doc, err);
  if (r) goto done;
  r = vg_schema_check(f, vg_yaml_root(doc), target, err);
done:
  vg_yaml_free(doc);
  free(f);
  return r;
}

int vg_config_set(const struct vg_config_opt *table, void *target, const char *key,
                  const char *text, struct vg_err *err) {
  struct vg_schema_field *f = config_fields(table);
  const struct vg_schema_field *opt = vg_schema_find(f, key);
  int r;
  if (!opt) {
    char near[VG_LIMIT_CONFIG_KEY_BYTES];
    if (vg_schema_suggest(f, key, near, sizeof(near)))
      r = vg_err_fail(err, VG_EUNKNOWN, "unknown option '%.*s' (did you mean '%s'?)",
                      VG_LIMIT_CONFIG_KEY_BYTES, key, near);
    else
      r = vg_err_fail(err, VG_EUNKNOWN, "unknown option '%.*s'", VG_LIMIT_CONFIG_KEY_BYTES, key);
  } else {
    r = vg_schema_set_text(opt, target, text, err);
  }
  free(f);
  return r;
}

int vg_config_set_arg(const struct vg_config_opt *table, void *target, const char *arg,
                      struct vg_err *err) {
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg) return vg_err_fail(err, VG_EINVAL, "expected key=value, got '%.64s'", arg);
  if ((size_t)(eq - arg) >= VG_LIMIT_CONFIG_KEY_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "option name longer than %d bytes", VG_LIMIT_CONFIG_KEY_BYTES);
  char key[VG_LIMIT_CONFIG_KEY_BYTES];
  memcpy(key, arg, (size_t)(eq - arg));
  key[eq - arg] = '\0';
  return vg_config_set(table, target, key, eq + 1, err);
}

void vg_config_help(const struct vg_config_opt *table, FILE *out) {
  struct vg_schema_field *f = config_fields(table);
  vg_schema_help(f, out);
  free(f);
}

void vg_config_markdown(const struct vg_config_opt *table, FILE *out) {
  struct vg_schema_field *f = config_fields(table);
  vg_schema_markdown(f, out);
  free(f);
}

void vg_config_cleanup(const struct vg_config_opt *table, void *target) {
  struct vg_schema_field *f = config_fields(table);
  vg_schema_cleanup(f, target);
  free(f);
}
