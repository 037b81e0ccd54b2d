/* pki.c — EC keys, CSRs, PEM files, certificate identities (OpenSSL 3). */
#include "shared/pki.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/alloc.h"
#include "shared/buf.h"

#define PKI_FILE_MAX (1u << 20)

int vg_pki_tls_fail(struct vg_err *err, const char *what) {
  char detail[256] = "";
  unsigned long e = ERR_get_error();
  if (e) ERR_error_string_n(e, detail, sizeof(detail));
  ERR_clear_error();
  return vg_err_fail(err, VG_ETLS, "%s%s%s", what, detail[0] ? ": " : "", detail);
}

static char *bio_string(BIO *b) {
  char *p = NULL;
  long n = BIO_get_mem_data(b, &p);
  return vg_xstrndup(p ? p : "", n > 0 ? (size_t)n : 0);
}

int vg_pki_key_new(char **key_pem, struct vg_err *err) {
  EVP_PKEY *k = EVP_EC_gen("P-256");
  if (!k) return vg_pki_tls_fail(err, "generating key");
  BIO *b = BIO_new(BIO_s_mem());
  int ok = PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
  if (ok) *key_pem = bio_string(b);
  BIO_free(b);
  EVP_PKEY_free(k);
  return ok ? 0 : vg_pki_tls_fail(err, "encoding key");
}

static EVP_PKEY *key_from_pem(const char *pem) {
  BIO *b = BIO_new_mem_buf(pem, -1);
  EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
  BIO_free(b);
  return k;
}

int vg_pki_csr_new(const char *key_pem, const char *cn, char **csr_pem, struct vg_err *err) {
  int r = 0;
  EVP_PKEY *k = key_from_pem(key_pem);
  X509_REQ *req = X509_REQ_new();
  BIO *b = NULL;
  if (!k) {
    r = vg_pki_tls_fail(err, "reading key");
    goto out;
  }
  X509_NAME *name = X509_REQ_get_subject_name(req);
  if (!X509_REQ_set_version(req, 0) || !X509_REQ_set_pubkey(req, k) ||
      !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                  0) ||
      !X509_REQ_sign(req, k, EVP_sha256())) {
    r = vg_pki_tls_fail(err, "building CSR");
    goto out;
  }
  b = BIO_new(BIO_s_mem());
  if (!PEM_write_bio_X509_REQ(b, req)) {
    r = vg_pki_tls_fail(err, "encoding CSR");
    goto out;
  }
  *csr_pem = bio_string(b);
out:
  BIO_free(b);
  X509_REQ_free(req);
  EVP_PKEY_free(k);
  return r;
}

static int name_entry(X509_NAME *name, int nid, char *out, size_t n) {
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return -1;
  ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  int len = ASN1_STRING_length(s);
  if (len <= 0 || (size_t)len >= n) return -1;
  memcpy(out, ASN1_STRING_get0_data(s), (size_t)len);
  out[len] = '\0';
  return 0;
}

int vg_pki_cert_ids(const char *cert_pem, struct vg_cert_ids *ids, struct vg_err *err) {
  BIO *b = BIO_new_mem_buf(cert_pem, -1);
  X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
  BIO_free(b);
  if (!x) return vg_pki_tls_fail(err, "reading certificate");
  X509_NAME *name = X509_get_subject_name(x);
  int r = 0;
  if (name_entry(name, NID_commonName, ids->sid, sizeof(ids->sid)) ||
      name_entry(name, NID_organizationName, ids->oid, sizeof(ids->oid)))
    r = vg_err_fail(err, VG_EPARSE, "certificate subject lacks CN (sid) or O (oid)");
  X509_free(x);
  return r;
}

int vg_pki_write_secret(const char *path, const char *data, struct vg_err *err) {
  char *tmp = vg_xasprintf("%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int r = 0;
  if (fd < 0) {
    r = vg_err_fail(err, VG_EIO, "%s: %s", tmp, strerror(errno));
    goto out;
  }
  size_t n = strlen(data), off = 0;
  while (off < n) {
    ssize_t w = write(fd, data + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  if (off != n || fsync(fd) < 0) r = vg_err_fail(err, VG_EIO, "%s: %s", tmp, strerror(errno));
  close(fd);
  if (!r && rename(tmp, path) < 0) r = vg_err_fail(err, VG_EIO, "%s: %s", path, strerror(errno));
  if (r) unlink(tmp);
out:
  free(tmp);
  return r;
}

int vg_pki_read_file(const char *path, char **out, struct vg_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return vg_err_fail(err, VG_EIO, "%s: %s", path, strerror(errno));
  struct vg_buf b;
  vg_buf_init(&b, PKI_FILE_MAX);
  char chunk[4096];
  size_t n;
  int r = 0;
  while (!r && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) r = vg_buf_append(&b, chunk, n);
  fclose(f);
  if (r) {
    vg_buf_cleanup(&b);
    return vg_err_fail(err, VG_ELIMIT, "%s: larger than %u bytes", path, PKI_FILE_MAX);
  }
  *out = vg_buf_steal(&b, NULL);
  return 0;
}

void vg_sha256_hex(const void *data, size_t n, char out[65]) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
  out[64] = '\0';
}

int vg_random_hex(char *out, size_t nbytes) {
  unsigned char raw[64];
  if (nbytes > sizeof(raw) || RAND_bytes(raw, (int)nbytes) != 1) return -VG_EIO;
  for (size_t i = 0; i < nbytes; i++) snprintf(out + 2 * i, 3, "%02x", raw[i]);
  out[2 * nbytes] = '\0';
  return 0;
}
