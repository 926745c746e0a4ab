// Channels in the admin: their API actions and their pages.
export {
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  updateChannel,
} from './channel-actions.js'
export { channelForm, channelPage } from './channel-pages.js'
