// What seals a token before it goes to Redis: the store's SecretBox (AES-256-GCM under the master
// key) fits. Every node must hold the same master key to read the tokens the others stored.

export interface Sealer {
  /** Encrypts `plain`, binding `context` (a ciphertext moved to another key does not open). */
  seal(plain: string, context: string): string
  /** Decrypts; throws when the value was altered, moved, or sealed under another key. */
  open(sealed: string, context: string): string
}
