/* test_ca.c — keys, CSRs and the backend CA: creation and reuse, server
 * certificate names, sensor certificates whose subject the CA sets. */
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/ca.h"
#include "shared/alloc.h"
#include "shared/pki.h"
#include "tests/harness/harness.h"

static char *dir;

static void setup(void) { dir = harness_mkdtemp("vigil-ca"); }
static void teardown(void) {
  harness_rm_rf(dir);
  free(dir);
}

static X509 *load_cert(const char *path) {
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  return x;
}

START_TEST(t_create_and_reuse) {
  struct ca *ca = ca_open(dir, NULL);
  ck_assert_ptr_nonnull(ca);
  char *pem1 = harness_read_file(ca_cert_path(ca), NULL);
  char *kp = vg_xasprintf("%s/ca.key", dir);
  struct stat st;
  ck_assert_int_eq(stat(kp, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  ca_free(ca);
  ca = ca_open(dir, NULL); /* second start reuses the same CA */
  char *pem2 = harness_read_file(ca_cert_path(ca), NULL);
  ck_assert_str_eq(pem1, pem2);
  ca_free(ca);
  free(pem1);
  free(pem2);
  free(kp);
}
END_TEST

static int has_san(X509 *x, const char *dns) {
  GENERAL_NAMES *g = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
  int found = 0;
  for (int i = 0; g && i < sk_GENERAL_NAME_num(g); i++) {
    GENERAL_NAME *n = sk_GENERAL_NAME_value(g, i);
    if (n->type == GEN_DNS && strcmp((const char *)ASN1_STRING_get0_data(n->d.dNSName), dns) == 0)
      found = 1;
  }
  GENERAL_NAMES_free(g);
  return found;
}

START_TEST(t_server_cert_names) {
  struct ca *ca = ca_open(dir, NULL);
  ck_assert_int_eq(ca_ensure_server_cert(ca, dir, NULL, 0, NULL), 0);
  char *path = vg_xasprintf("%s/server.pem", dir);
  X509 *x = load_cert(path);
  X509 *cax = load_cert(ca_cert_path(ca));
  ck_assert(has_san(x, "localhost"));
  ck_assert(!has_san(x, "edr.example.org"));
  ck_assert_int_eq(X509_check_issued(cax, x), X509_V_OK);
  ck_assert_int_eq(X509_check_host(x, "localhost", 0, 0, NULL), 1);
  ck_assert_int_eq(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
  char *first = harness_read_file(path, NULL);
  /* Same names: kept. A new configured name: reissued with it. */
  ck_assert_int_eq(ca_ensure_server_cert(ca, dir, NULL, 0, NULL), 0);
  char *again = harness_read_file(path, NULL);
  ck_assert_str_eq(first, again);
  const char *names[] = {"edr.example.org", "10.1.2.3"};
  ck_assert_int_eq(ca_ensure_server_cert(ca, dir, names, 2, NULL), 0);
  X509 *y = load_cert(path);
  ck_assert(has_san(y, "edr.example.org"));
  ck_assert_int_eq(X509_check_ip_asc(y, "10.1.2.3", 0), 1);
  X509_free(x);
  X509_free(y);
  X509_free(cax);
  free(first);
  free(again);
  free(path);
  ca_free(ca);
}
END_TEST

START_TEST(t_sign_sensor) {
  struct ca *ca = ca_open(dir, NULL);
  char *key = NULL, *csr = NULL, *cert = NULL;
  ck_assert_int_eq(vg_pki_key_new(&key, NULL), 0);
  ck_assert_int_eq(vg_pki_csr_new(key, "claims-to-be-admin", &csr, NULL), 0);
  struct vg_cert_ids ids = {.sid = "0123456789abcdef0123456789abcdef",
                            .oid = "fedcba9876543210fedcba9876543210"};
  ck_assert_int_eq(ca_sign_sensor(ca, csr, &ids, 365, &cert, NULL), 0);
  struct vg_cert_ids got;
  ck_assert_int_eq(vg_pki_cert_ids(cert, &got, NULL), 0);
  ck_assert_str_eq(got.sid, ids.sid); /* the CA's subject, not the CSR's */
  ck_assert_str_eq(got.oid, ids.oid);
  /* A tampered CSR does not verify. */
  char *bad = vg_xstrdup(csr);
  size_t n = strlen(bad);
  bad[n / 2] = bad[n / 2] == 'A' ? 'B' : 'A';
  char *cert2 = NULL;
  struct vg_err e;
  ck_assert_int_lt(ca_sign_sensor(ca, bad, &ids, 365, &cert2, &e), 0);
  ck_assert_int_lt(ca_sign_sensor(ca, "not a csr", &ids, 365, &cert2, &e), 0);
  ck_assert_int_eq(e.code, VG_EPARSE);
  free(bad);
  free(key);
  free(csr);
  free(cert);
  ca_free(ca);
}
END_TEST

START_TEST(t_helpers) {
  char h[65];
  vg_sha256_hex("abc", 3, h);
  ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  char r1[65], r2[65];
  ck_assert_int_eq(vg_random_hex(r1, 32), 0);
  ck_assert_int_eq(vg_random_hex(r2, 32), 0);
  ck_assert_uint_eq(strlen(r1), 64);
  ck_assert_str_ne(r1, r2);
  char *p = vg_xasprintf("%s/secret", dir);
  ck_assert_int_eq(vg_pki_write_secret(p, "s3cret\n", NULL), 0);
  char *s = NULL;
  ck_assert_int_eq(vg_pki_read_file(p, &s, NULL), 0);
  ck_assert_str_eq(s, "s3cret\n");
  struct stat st;
  stat(p, &st);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  free(s);
  free(p);
  struct vg_err e;
  ck_assert_int_lt(vg_pki_read_file("/nonexistent/x", &s, &e), 0);
  ck_assert_int_eq(e.code, VG_EIO);
}
END_TEST

static Suite *ca_suite(void) {
  Suite *s = suite_create("ca");
  TCase *tc = tcase_create("ca");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, t_create_and_reuse);
  tcase_add_test(tc, t_server_cert_names);
  tcase_add_test(tc, t_sign_sensor);
  tcase_add_test(tc, t_helpers);
  suite_add_tcase(s, tc);
  return s;
}
VG_CHECK_MAIN(ca_suite)
