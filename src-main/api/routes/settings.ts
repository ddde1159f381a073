import type { FastifyInstance } from 'fastify';
import { ErrorBody, SettingsPatch, SettingsView } from '../../contract/studio-api.js';

export interface SettingsController {
  view(): SettingsView;
  apply(patch: SettingsPatch): Promise<SettingsView>;
}

export function settingsRoutes(controller: SettingsController) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/settings',
      { config: { access: 'admin' }, schema: { tags: ['settings'], summary: 'Effective settings and where each value came from', response: { 200: SettingsView, 401: ErrorBody } } },
      async () => controller.view(),
    );
    app.put<{ Body: SettingsPatch }>(
      '/api/settings',
      { config: { access: 'admin' },
        schema: {
          tags: ['settings'],
          summary: 'Change some settings; they are saved to config.json and listeners restart as needed',
          body: SettingsPatch,
          response: { 200: SettingsView, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody },
        },
      },
      async (request) => controller.apply(request.body),
    );
  };
}
