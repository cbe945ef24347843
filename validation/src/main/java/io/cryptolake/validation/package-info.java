/**
 * The shared validation library (spec section 4). The rules arrive with the silver issue; the module exists
 * now so that the build's shape is final and jobs can depend on it.
 */
package io.cryptolake.validation;
