import type { RuleDefinition } from './types.ts';
import { familyBuilders, windowed } from './types.ts';

const { contextual: X, prefixed: P } = familyBuilders('ai');
const dash = { right: 'A-Za-z0-9_-' } as const;

/** AI / ML provider rules. */
export const aiRules: readonly RuleDefinition[] = [
  P(
    'openai-project-key',
    'OpenAI project API key',
    'sk-proj-',
    '[A-Za-z0-9_-]{40,200}T3BlbkFJ[A-Za-z0-9_-]{40,200}',
    410,
    dash,
  ),
  P(
    'openai-service-account-key',
    'OpenAI service-account key',
    'sk-svcacct-',
    '[A-Za-z0-9_-]{40,200}T3BlbkFJ[A-Za-z0-9_-]{40,200}',
    410,
    dash,
  ),
  P(
    'openai-admin-key',
    'OpenAI admin key',
    'sk-admin-',
    '[A-Za-z0-9_-]{40,200}T3BlbkFJ[A-Za-z0-9_-]{40,200}',
    410,
    dash,
  ),
  windowed(
    'ai',
    'openai-api-key',
    'OpenAI legacy user API key',
    ['t3blbkfj'],
    '(?<![A-Za-z0-9_-])sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}(?![A-Za-z0-9_-])',
    24,
    30,
  ),
  P('anthropic-api-key', 'Anthropic API key', 'sk-ant-api03-', '[A-Za-z0-9_-]{93}AA', 95, dash),
  P(
    'anthropic-admin-key',
    'Anthropic admin key',
    'sk-ant-admin01-',
    '[A-Za-z0-9_-]{93}AA',
    95,
    dash,
  ),
  P('huggingface-token', 'Hugging Face user access token', 'hf_', '[A-Za-z]{34}', 34, {
    minEntropy: 3.5,
  }),
  P(
    'huggingface-org-token',
    'Hugging Face organisation API token',
    'api_org_',
    '[A-Za-z]{34}',
    34,
    { minEntropy: 3.5 },
  ),
  X('cohere-api-key', 'Cohere API key', ['cohere', 'co_api_key'], '[A-Za-z0-9]{40}', {
    minEntropy: 3.8,
  }),
  P('groq-api-key', 'Groq API key', 'gsk_', '[A-Za-z0-9]{52}', 52),
  P('replicate-api-token', 'Replicate API token', 'r8_', '[A-Za-z0-9]{37}', 37, {
    minEntropy: 3.5,
  }),
  P('perplexity-api-key', 'Perplexity API key', 'pplx-', '[A-Za-z0-9]{48}', 48),
  X('mistral-api-key', 'Mistral AI API key', ['mistral'], '[A-Za-z0-9]{32}', { minEntropy: 3.8 }),
  P('xai-api-key', 'xAI (Grok) API key', 'xai-', '[A-Za-z0-9]{80}', 80),
  X('deepseek-api-key', 'DeepSeek API key', ['deepseek'], 'sk-[a-f0-9]{32}', { minEntropy: 3.3 }),
  X(
    'together-api-key',
    'Together AI API key',
    ['together'],
    '(?:tgp_v1_[A-Za-z0-9_-]{43}|[a-f0-9]{64})',
    { minEntropy: 3.3 },
  ),
  P('fireworks-api-key', 'Fireworks AI API key', 'fw_', '[A-Za-z0-9]{24}', 24, { minEntropy: 3.5 }),
  P('openrouter-api-key', 'OpenRouter API key', 'sk-or-v1-', '[a-f0-9]{64}', 64),
  P('langsmith-api-key', 'LangSmith API key', 'lsv2_', '(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}', 46),
  P('pinecone-api-key', 'Pinecone API key', 'pcsk_', '[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,80}', 90),
  X(
    'elevenlabs-api-key',
    'ElevenLabs API key',
    ['elevenlabs', 'xi-api-key', 'xi_api_key'],
    'sk_[a-f0-9]{48}',
    { minEntropy: 3.3 },
  ),
  X('assemblyai-api-key', 'AssemblyAI API key', ['assemblyai', 'assembly_ai'], '[a-f0-9]{32}', {
    minEntropy: 3.2,
  }),
  X('deepgram-api-key', 'Deepgram API key', ['deepgram'], '[a-f0-9]{40}', { minEntropy: 3.3 }),
  X('wandb-api-key', 'Weights & Biases API key', ['wandb'], '[a-f0-9]{40}', { minEntropy: 3.3 }),
  P('cerebras-api-key', 'Cerebras API key', 'csk-', '[a-z0-9]{48}', 48),
  P(
    'langfuse-secret-key',
    'Langfuse secret key',
    'sk-lf-',
    '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}',
    36,
    { right: 'A-Za-z0-9-' },
  ),
  P(
    'nvidia-api-key',
    'NVIDIA NGC / build.nvidia.com API key',
    'nvapi-',
    '[A-Za-z0-9_-]{64}',
    64,
    dash,
  ),
  X('voyage-api-key', 'Voyage AI API key', ['voyage'], 'pa-[A-Za-z0-9_-]{43}', { minEntropy: 3.8 }),
  X('clarifai-pat', 'Clarifai personal access token', ['clarifai'], '[a-f0-9]{32}', {
    minEntropy: 3.2,
  }),
  X('stability-api-key', 'Stability AI API key', ['stability'], 'sk-[A-Za-z0-9]{48}', {
    minEntropy: 3.8,
  }),
  X('runpod-api-key', 'RunPod API key', ['runpod'], '(?:rpa_)?[A-Z0-9]{40,48}', {
    minEntropy: 3.5,
  }),
];
