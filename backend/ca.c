/* ca.c — the backend's CA: create/load, server certificate, CSR signing. */
#include "backend/ca.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/buf.h"

struct ca {
  EVP_PKEY *key;
  X509 *cert;
  char *cert_path;
};

static int pem_out(int (*wr)(BIO *, void *), void *obj, char **out) {
  BIO *b = BIO_new(BIO_s_mem());
  int ok = wr(b, obj);
  if (ok) {
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    *out = vg_xstrndup(p, (size_t)n);
  }
  BIO_free(b);
  return ok ? 0 : -1;
}
static int wr_cert(BIO *b, void *x) { return PEM_write_bio_X509(b, x); }
static int wr_key(BIO *b, void *k) {
  return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (!ext) return -1;
  int ok = X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  return ok ? 0 : -1;
}

/* A new certificate skeleton: random serial, validity, subject, issuer. */
static X509 *cert_new(EVP_PKEY *pub, X509_NAME *subject, X509 *issuer, int days) {
  X509 *x = X509_new();
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
  BN_free(bn);
  X509_set_version(x, 2);
  X509_gmtime_adj(X509_getm_notBefore(x), -300);
  X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400);
  X509_set_pubkey(x, pub);
  X509_set_subject_name(x, subject);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subject);
  return x;
}

static int ca_create(struct ca *ca, const char *key_path, struct vg_err *err) {
  ca->key = EVP_EC_gen("P-256");
  if (!ca->key) return vg_pki_tls_fail(err, "CA key");
  X509_NAME *name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)"Vigil CA", -1, -1,
                             0);
  ca->cert = cert_new(ca->key, name, NULL, 3650);
  X509_NAME_free(name);
  if (add_ext(ca->cert, ca->cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      add_ext(ca->cert, ca->cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
      add_ext(ca->cert, ca->cert, NID_subject_key_identifier, "hash") ||
      !X509_sign(ca->cert, ca->key, EVP_sha256()))
    return vg_pki_tls_fail(err, "CA certificate");
  char *kp = NULL, *cp = NULL;
  int r = pem_out(wr_key, ca->key, &kp) || pem_out(wr_cert, ca->cert, &cp) ? -1 : 0;
  if (r == 0) r = vg_pki_write_secret(key_path, kp, err);
  if (r == 0) r = vg_pki_write_secret(ca->cert_path, cp, err);
  free(kp);
  free(cp);
  return r < 0 ? (err && err->code ? -err->code : -VG_ETLS) : 0;
}

static void *read_pem(const char *path, int is_key) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  void *o = is_key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
                   : (void *)PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  return o;
}

struct ca *ca_open(const char *dir, struct vg_err *err) {
  struct ca *ca = vg_xcalloc(1, sizeof(*ca));
  char *key_path = vg_xasprintf("%s/ca.key", dir);
  ca->cert_path = vg_xasprintf("%s/ca.pem", dir);
  int r = 0;
  if (access(key_path, F_OK) == 0) {
    ca->key = read_pem(key_path, 1);
    ca->cert = read_pem(ca->cert_path, 0);
    if (!ca->key || !ca->cert) r = vg_err_fail(err, VG_ETLS, "%s or %s unreadable", key_path,
                                               ca->cert_path);
  } else {
    r = ca_create(ca, key_path, err);
  }
  free(key_path);
  if (r) {
    ca_free(ca);
    return NULL;
  }
  return ca;
}

void ca_free(struct ca *ca) {
  if (!ca) return;
  EVP_PKEY_free(ca->key);
  X509_free(ca->cert);
  free(ca->cert_path);
  free(ca);
}

const char *ca_cert_path(const struct ca *ca) { return ca->cert_path; }

static int is_ip(const char *s) {
  unsigned char b[16];
  return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* "DNS:a,IP:1.2.3.4,…" for the names given plus the fixed ones, deduplicated. */
static char *san_list(const char *const *names, int n) {
  struct vg_buf b;
  vg_buf_init(&b, 64 << 10);
  const char *fixed[] = {"localhost", "127.0.0.1", "::1"};
  char host[256] = "";
  gethostname(host, sizeof(host) - 1);
  for (int i = -4; i < n; i++) {
    const char *s = i < -1 ? fixed[i + 4] : i == -1 ? host : names[i];
    if (!s || !*s) continue;
    char item[300];
    snprintf(item, sizeof(item), "%s:%s", is_ip(s) ? "IP" : "DNS", s);
    char needle[304];
    snprintf(needle, sizeof(needle), ",%s,", item);
    char *have = vg_xasprintf(",%s,", vg_buf_cstr(&b));
    if (!strstr(have, needle)) vg_buf_appendf(&b, "%s%s", b.len ? "," : "", item);
    free(have);
  }
  return vg_buf_steal(&b, NULL);
}

/* True when the certificate's SAN extension holds every entry of want. */
static int cert_covers(X509 *x, const char *want) {
  GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
  if (!gens) return 0;
  struct vg_buf have;
  vg_buf_init(&have, 64 << 10);
  vg_buf_putc(&have, ',');
  for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
    GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
    if (g->type == GEN_DNS) {
      vg_buf_appendf(&have, "DNS:%.*s,", ASN1_STRING_length(g->d.dNSName),
                     (const char *)ASN1_STRING_get0_data(g->d.dNSName));
    } else if (g->type == GEN_IPADD) {
      char ip[64] = "";
      int len = ASN1_STRING_length(g->d.iPAddress);
      inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(g->d.iPAddress), ip,
                sizeof(ip));
      vg_buf_appendf(&have, "IP:%s,", ip);
    }
  }
  GENERAL_NAMES_free(gens);
  int ok = 1;
  char *w = vg_xstrdup(want), *save = NULL;
  for (char *t = strtok_r(w, ",", &save); t && ok; t = strtok_r(NULL, ",", &save)) {
    char needle[320];
    snprintf(needle, sizeof(needle), ",%s,", t);
    if (!strstr(vg_buf_cstr(&have), needle)) ok = 0;
  }
  free(w);
  vg_buf_cleanup(&have);
  return ok;
}

int ca_ensure_server_cert(struct ca *ca, const char *dir, const char *const *names, int n,
                          struct vg_err *err) {
  char *key_path = vg_xasprintf("%s/server.key", dir);
  char *cert_path = vg_xasprintf("%s/server.pem", dir);
  char *sans = san_list(names, n);
  int r = 0;
  X509 *old = read_pem(cert_path, 0);
  EVP_PKEY *oldkey = read_pem(key_path, 1);
  int fresh = old && oldkey && cert_covers(old, sans) &&
              X509_check_issued(ca->cert, old) == X509_V_OK;
  X509_free(old);
  EVP_PKEY_free(oldkey);
  if (fresh) goto out;
  EVP_PKEY *k = EVP_EC_gen("P-256");
  X509_NAME *name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)"vigild", -1, -1,
                             0);
  X509 *x = cert_new(k, name, ca->cert, 825);
  X509_NAME_free(name);
  char *kp = NULL, *cp = NULL;
  if (add_ext(x, ca->cert, NID_subject_alt_name, sans) ||
      add_ext(x, ca->cert, NID_basic_constraints, "critical,CA:FALSE") ||
      add_ext(x, ca->cert, NID_key_usage, "critical,digitalSignature") ||
      add_ext(x, ca->cert, NID_ext_key_usage, "serverAuth") ||
      !X509_sign(x, ca->key, EVP_sha256()) || pem_out(wr_key, k, &kp) ||
      pem_out(wr_cert, x, &cp))
    r = vg_pki_tls_fail(err, "server certificate");
  if (!r) r = vg_pki_write_secret(key_path, kp, err);
  if (!r) r = vg_pki_write_secret(cert_path, cp, err);
  free(kp);
  free(cp);
  X509_free(x);
  EVP_PKEY_free(k);
out:
  free(sans);
  free(key_path);
  free(cert_path);
  return r;
}

int ca_sign_sensor(struct ca *ca, const char *csr_pem, const struct vg_cert_ids *ids, int days,
                   char **cert_pem, struct vg_err *err) {
  BIO *b = BIO_new_mem_buf(csr_pem, -1);
  X509_REQ *req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
  BIO_free(b);
  if (!req) return vg_err_fail(err, VG_EPARSE, "CSR is not a PEM certificate request");
  int r = 0;
  EVP_PKEY *pub = X509_REQ_get_pubkey(req);
  X509 *x = NULL;
  if (!pub || X509_REQ_verify(req, pub) != 1) {
    r = vg_err_fail(err, VG_ETLS, "CSR signature does not verify");
    goto out;
  }
  X509_NAME *name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)ids->oid, -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)ids->sid, -1, -1,
                             0);
  x = cert_new(pub, name, ca->cert, days);
  X509_NAME_free(name);
  if (add_ext(x, ca->cert, NID_basic_constraints, "critical,CA:FALSE") ||
      add_ext(x, ca->cert, NID_key_usage, "critical,digitalSignature") ||
      add_ext(x, ca->cert, NID_ext_key_usage, "clientAuth") ||
      !X509_sign(x, ca->key, EVP_sha256()) || pem_out(wr_cert, x, cert_pem))
    r = vg_pki_tls_fail(err, "signing sensor certificate");
out:
  X509_free(x);
  EVP_PKEY_free(pub);
  X509_REQ_free(req);
  return r;
}
