import type { RuleDefinition } from './types.ts';
import { C, familyBuilders } from './types.ts';

const { contextual: X, prefixed: P } = familyBuilders('payment');

/** Payment-provider rules. */
export const paymentRules: readonly RuleDefinition[] = [
  P('stripe-live-secret-key', 'Stripe live secret key', 'sk_live_', '[A-Za-z0-9]{24,247}', 247, {
    minEntropy: 3.5,
  }),
  P('stripe-test-secret-key', 'Stripe test secret key', 'sk_test_', '[A-Za-z0-9]{24,247}', 247, {
    minEntropy: 3.5,
  }),
  P(
    'stripe-live-restricted-key',
    'Stripe live restricted key',
    'rk_live_',
    '[A-Za-z0-9]{24,247}',
    247,
    { minEntropy: 3.5 },
  ),
  P(
    'stripe-test-restricted-key',
    'Stripe test restricted key',
    'rk_test_',
    '[A-Za-z0-9]{24,247}',
    247,
    { minEntropy: 3.5 },
  ),
  P(
    'stripe-webhook-secret',
    'Stripe webhook signing secret',
    'whsec_',
    '[A-Za-z0-9+/=]{32,88}',
    88,
    { minEntropy: 3.5, right: 'A-Za-z0-9+/=' },
  ),
  P('square-access-token', 'Square production access token', 'EAAA', '[A-Za-z0-9_-]{60}', 60, {
    minEntropy: 3.8,
    right: 'A-Za-z0-9_-',
  }),
  P(
    'square-legacy-access-token',
    'Square legacy access token',
    'sq0atp-',
    '[A-Za-z0-9_-]{22}',
    22,
    { right: 'A-Za-z0-9_-' },
  ),
  P('square-oauth-secret', 'Square OAuth application secret', 'sq0csp-', '[A-Za-z0-9_-]{43}', 43, {
    right: 'A-Za-z0-9_-',
  }),
  P(
    'braintree-access-token',
    'Braintree / PayPal access token',
    'access_token$',
    '(?:production|sandbox)\\$[a-z0-9]{16}\\$[a-f0-9]{32}',
    60,
    { right: 'A-Za-z0-9' },
  ),
  X('paypal-client-secret', 'PayPal REST client secret', ['paypal'], 'E[A-Za-z0-9_-]{79}', {
    minEntropy: 4,
  }),
  X('adyen-api-key', 'Adyen API key', ['adyen'], 'AQE[A-Za-z0-9+/=_.-]{90,250}', { minEntropy: 4 }),
  P('razorpay-key', 'Razorpay API key id', 'rzp_', '(?:live|test)_[A-Za-z0-9]{14}', 19),
  X('razorpay-key-secret', 'Razorpay key secret', ['razorpay'], '[A-Za-z0-9]{24}', {
    minEntropy: 3.8,
  }),
  P(
    'flutterwave-secret-key',
    'Flutterwave secret key',
    'FLWSECK',
    '(?:_TEST)?-[a-h0-9]{32}-X',
    45,
    { right: 'A-Za-z0-9' },
  ),
  P('flutterwave-encryption-key', 'Flutterwave encryption key', 'FLWSECK_TEST', '[a-h0-9]{12}', 12),
  P('shopify-access-token', 'Shopify Admin API access token', 'shpat_', '[a-fA-F0-9]{32}', 32),
  P('shopify-custom-app-token', 'Shopify custom app access token', 'shpca_', '[a-fA-F0-9]{32}', 32),
  P('shopify-private-app-token', 'Shopify private app password', 'shppa_', '[a-fA-F0-9]{32}', 32),
  P('shopify-shared-secret', 'Shopify app shared secret', 'shpss_', '[a-fA-F0-9]{32}', 32),
  P(
    'plaid-access-token',
    'Plaid access token',
    'access-',
    `(?:sandbox|development|production)-${C.uuid}`,
    50,
    { right: 'A-Za-z0-9-' },
  ),
  X('plaid-secret', 'Plaid API secret', ['plaid'], '[a-f0-9]{30}', { minEntropy: 3.2 }),
  X(
    'gocardless-access-token',
    'GoCardless access token',
    ['gocardless'],
    '(?:live|sandbox)_[A-Za-z0-9_=-]{40}',
    { minEntropy: 3.8 },
  ),
  P(
    'paddle-api-key',
    'Paddle API key',
    'pdl_',
    '(?:live|sdbx)_apikey_[a-z0-9]{26}_[A-Za-z0-9]{22}_[A-Za-z0-9]{3}',
    70,
  ),
  X('mollie-api-key', 'Mollie API key', ['mollie'], '(?:live|test)_[A-Za-z0-9]{30}', {
    minEntropy: 3.8,
  }),
  X(
    'checkout-secret-key',
    'Checkout.com secret key',
    ['checkout', 'cko_secret'],
    'sk_(?:sbox_)?[a-z0-9]{26}',
    { minEntropy: 3.5 },
  ),
  P('shippo-api-token', 'Shippo API token', 'shippo_', '(?:live|test)_[a-f0-9]{40}', 45),
  P('easypost-api-key', 'EasyPost production API key', 'EZAK', '[A-Za-z0-9]{54}', 54),
  P('easypost-test-api-key', 'EasyPost test API key', 'EZTK', '[A-Za-z0-9]{54}', 54),
  P('duffel-api-token', 'Duffel API token', 'duffel_', '(?:test|live)_[A-Za-z0-9_=-]{43}', 48, {
    right: 'A-Za-z0-9_=-',
  }),
  X(
    'lob-api-key',
    'Lob API key',
    ['lob_', 'lob-api', 'lobkey', 'lob_api'],
    '(?:live|test)_[a-f0-9]{35}',
    { minEntropy: 3.3 },
  ),
  X('coinbase-api-secret', 'Coinbase API secret', ['coinbase'], '[A-Za-z0-9]{32}', {
    minEntropy: 3.8,
  }),
  X('binance-api-secret', 'Binance API secret', ['binance'], '[A-Za-z0-9]{64}', { minEntropy: 4 }),
  X(
    'wise-api-token',
    'Wise (TransferWise) API token',
    ['transferwise', 'wise_api', 'wise-api'],
    C.uuid,
    { minEntropy: 3 },
  ),
];
