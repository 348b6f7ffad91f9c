import type { RuleDefinition } from './types.ts';
import { C, familyBuilders, windowed } from './types.ts';

const { contextual: X, prefixed: P } = familyBuilders('saas');

/** Developer tools and smaller SaaS providers. */
export const devtoolRules: readonly RuleDefinition[] = [
  P('adobe-client-secret', 'Adobe I/O client secret', 'p8e-', '[A-Za-z0-9]{32}', 32),
  P('clojars-api-token', 'Clojars deploy token', 'CLOJARS_', '[a-z0-9]{60}', 60),
  P('intra42-client-secret', '42 Intra API client secret', 's-s4t2', '(?:ud|af)-[a-f0-9]{64}', 67),
  P('openshift-user-token', 'OpenShift user token', 'sha256~', '[A-Za-z0-9_-]{43}', 43, {
    right: 'A-Za-z0-9_-',
  }),
  P('settlemint-token', 'SettleMint access token', 'sm_', '(?:pat|aat|sat)_[a-z0-9]{16}', 20),
  windowed(
    'saas',
    'gitlab-session-cookie',
    'GitLab session cookie',
    ['_gitlab_session='],
    '(?<![A-Za-z0-9])_gitlab_session=(?<s>[0-9a-z]{32})(?![A-Za-z0-9])',
    0,
    50,
  ),
  X('adafruit-api-key', 'Adafruit IO key', ['adafruit'], '(?:aio_)?[A-Za-z0-9_-]{28,32}', {
    minEntropy: 3.8,
  }),
  X('beamer-api-token', 'Beamer API token', ['beamer'], 'b_[A-Za-z0-9=_-]{44}', {
    minEntropy: 3.8,
  }),
  X('droneci-access-token', 'Drone CI access token', ['drone'], '[A-Za-z0-9]{32}', {
    minEntropy: 3.8,
  }),
  X('kraken-api-secret', 'Kraken API private key', ['kraken'], '[A-Za-z0-9+/]{80,90}={0,2}', {
    minEntropy: 4,
  }),
  X('finnhub-api-key', 'Finnhub API key', ['finnhub'], '[a-z0-9]{20}', { minEntropy: 3.5 }),
  X('flickr-api-secret', 'Flickr API secret', ['flickr'], '[a-f0-9]{16,32}', { minEntropy: 3 }),
  X('rapidapi-key', 'RapidAPI key', ['rapidapi'], '[A-Za-z0-9_-]{50}', { minEntropy: 4 }),
  X(
    'nytimes-api-key',
    'New York Times API key',
    ['nytimes', 'nyt_api', 'new-york-times'],
    '[A-Za-z0-9=_-]{32}',
    { minEntropy: 3.8 },
  ),
  X('etsy-api-key', 'Etsy API key', ['etsy'], '[a-z0-9]{24}', { minEntropy: 3.5 }),
  X('squarespace-api-key', 'Squarespace API key', ['squarespace'], C.uuid, { minEntropy: 3 }),
  X('freshbooks-access-token', 'FreshBooks access token', ['freshbooks'], '[a-f0-9]{64}', {
    minEntropy: 3.3,
  }),
  X('kucoin-api-secret', 'KuCoin API secret', ['kucoin'], C.uuid, { minEntropy: 3 }),
  X('bittrex-api-secret', 'Bittrex API secret', ['bittrex'], '[a-f0-9]{32}', { minEntropy: 3.2 }),
  X(
    'privateai-api-key',
    'Private AI API key',
    ['private_ai', 'privateai', 'private-ai'],
    '[a-z0-9]{32}',
    { minEntropy: 3.5 },
  ),
  X(
    'sidekiq-enterprise-secret',
    'Sidekiq Enterprise / Pro gem credentials',
    ['bundle_enterprise__contribsys__com', 'bundle_gems__contribsys__com'],
    '[a-f0-9]{8}:[a-f0-9]{8}',
    { minEntropy: 2.8 },
  ),
  X(
    'azure-function-key',
    'Azure Functions host / function key',
    ['x-functions-key', 'azure_function_key', 'function_key'],
    '[A-Za-z0-9_-]{52,56}={0,2}',
    { minEntropy: 4 },
  ),
];
