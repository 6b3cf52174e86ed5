// The root of the notification story: an app that keeps a secret in its own memory and calls a
// third-party "notify" dependency, a separate nanoprocess, with a message.
#include <stdio.h>
#include <string.h>

__attribute__((import_module("notify"), import_name("notify"))) int notify(const char* message,
                                                                           size_t len);

// Kept in the app's memory only; nothing hands it to the dependency.
volatile char secret[] = "API-TOKEN=s3cr3t-0f-the-app";

int main(void) {
  const char* msg = "build 42 finished";
  int rc = notify(msg, strlen(msg));
  printf("app: notify returned %d; the secret is still only in the app (%zu bytes)\n", rc,
         sizeof secret - 1);
  return 0;
}
